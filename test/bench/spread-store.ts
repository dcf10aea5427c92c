// `tsx test/bench/spread-store.ts [--baseline=DIR] [--quick]`: the file store alone, in this process, no HTTP: CPU
// time per send into one room against sends spread over 2,000 rooms (each send to the next room), 100 sends per
// event-loop turn, median of 3 turns. With --baseline, the FileStore of the checkout in DIR (its src/, run by tsx)
// takes each turn right after this one's, so both builds are measured under the same load. `--sends=N`, `--repeat=N`.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FileStore as FileStoreType } from '../../src/store/file/file-store.js';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.argv.includes('--quick');
const ROOMS = 2000;
const PER_TURN = 100;
const SENDS = Number(flag('sends') ?? (quick ? 20_000 : 60_000));
const REPEAT = Number(flag('repeat') ?? 3);
/** `--only=spread` (or `one`) measures just that: for a count of system calls per send under strace. */
const only = flag('only');
const baseline = flag('baseline');

type Ctor = typeof FileStoreType;
const builds: [string, Ctor][] = [['this build', (await import('../../src/store/file/file-store.js')).FileStore]];
if (baseline) {
  const mod = (await import(resolve(baseline, 'src/store/file/file-store.ts'))) as { FileStore: Ctor };
  builds.push(['baseline', mod.FileStore]);
}

/** CPU µs per send for SENDS sends, PER_TURN at a time, the i-th send of the run into rooms[i % rooms.length]. */
async function measure(store: FileStoreType, rooms: readonly string[]): Promise<number> {
  const message = [{ sender: 'bench', content: 'a message of about the size agents send, some sixty characters' }];
  let next = 0;
  const start = process.cpuUsage();
  for (let done = 0; done < SENDS; done += PER_TURN) {
    const turn: Promise<unknown>[] = [];
    for (let i = 0; i < PER_TURN; i++) turn.push(store.append(rooms[next++ % rooms.length]!, message));
    await Promise.all(turn);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / SENDS;
}

const dir = await mkdtemp(join(tmpdir(), 'im-spread-store-'));
try {
  const stores = await Promise.all(
    builds.map(async ([label, FileStore], b) => {
      const store = new FileStore({ dir: join(dir, String(b)), maxOpenFiles: 3 * ROOMS, warn: () => {} });
      await store.open();
      const rooms: string[] = [];
      for (let i = 0; i < ROOMS; i++) rooms.push((await store.createRoom({ name: `r${i}` })).id);
      return { label, store, rooms, one: [] as number[], spread: [] as number[] };
    }),
  );
  // A first pass over every room (the first send opens its files), then the turns.
  for (const s of stores) await measure(s.store, s.rooms);
  for (let i = 0; i < REPEAT; i++) {
    for (const s of stores) {
      if (only !== 'spread') s.one.push(await measure(s.store, s.rooms.slice(0, 1)));
      if (only !== 'one') s.spread.push(await measure(s.store, s.rooms));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  console.log(`${SENDS} sends per run, ${PER_TURN} per event-loop turn, median of ${REPEAT}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const s of stores) {
    const one = median(s.one);
    const spread = median(s.spread);
    console.log(`${s.label}: one room ${one.toFixed(1)} µs/send, over ${ROOMS} rooms ${spread.toFixed(1)} µs/send (${Math.round((one / spread) * 100)}% of one room's throughput)`);
    console.log(`  runs: one [${s.one.map((x) => x.toFixed(1)).join(', ')}], spread [${s.spread.map((x) => x.toFixed(1)).join(', ')}]`);
  }
  await Promise.all(stores.map((s) => s.store.close()));
} finally {
  await rm(dir, { recursive: true, force: true });
}
