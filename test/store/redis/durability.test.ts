// The Redis store under each persistence setting: the warnings at start, and a batch cut short in the AOF by a crash
// dropped whole under the settings it asks for (a real redis-server, its AOF cut as a kill during its write leaves it).
import { readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Message } from '../../../src/api/types.js';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { hasRedis, startRedis, type RedisServer } from '../../helpers/redis-server.js';

const open: RedisStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function openStore(redis: RedisServer, warnings: string[] = []): Promise<RedisStore> {
  const store = new RedisStore({ url: redis.url, warn: (m) => warnings.push(m) });
  await store.open();
  open.push(store);
  return store;
}

const batch = (tag: string, n = 50) => Array.from({ length: n }, (_, k) => ({ sender: 'w', content: `${tag}.${k}` }));

/** Appends once Redis answers again (the store reconnects by itself; polled, not slept). */
async function appendWhenBack(store: RedisStore, roomId: string, tag: string): Promise<Message[]> {
  const end = Date.now() + 30_000; // a guard against a hang, not a speed check
  for (;;) {
    try {
      return await store.append(roomId, batch(tag));
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Cuts the AOF in the middle of its last MULTI/EXEC block: what a kill -9 during Redis's write(2) of it leaves. */
async function cutLastTransaction(redis: RedisServer): Promise<void> {
  const dir = join(redis.dir, 'appendonlydir');
  const incr = (await readdir(dir)).filter((f) => f.endsWith('.incr.aof')).sort().at(-1)!;
  const aof = await readFile(join(dir, incr));
  const multi = aof.lastIndexOf('*1\r\n$5\r\nMULTI\r\n');
  const exec = aof.lastIndexOf('*1\r\n$4\r\nEXEC\r\n');
  expect(multi).toBeGreaterThan(0);
  expect(exec).toBeGreaterThan(multi);
  await truncate(join(dir, incr), Math.floor((multi + exec) / 2));
}

describe.skipIf(!hasRedis)('Redis persistence settings', () => {
  test.each([
    { durable: false, warned: ['appendfsync everysec', 'aof-load-truncated yes'] },
    { durable: true, warned: [] },
  ])('durable: $durable warns of $warned', async ({ durable, warned }) => {
    const redis = await startRedis({ durable });
    const warnings: string[] = [];
    await openStore(redis, warnings);
    expect(warnings.map((w) => /has (\S+ \S+):/.exec(w)?.[1])).toEqual(warned);
    for (const w of warnings) expect(w).toMatch(/Set (appendfsync always|aof-load-truncated no) \(CONFIG SET/);
    await redis.stop();
  });

  test('a Redis that refuses CONFIG draws one line naming the settings to check', async () => {
    const redis = await startRedis({ durable: true });
    const warnings: string[] = [];
    // An ACL user without CONFIG, as managed Redis services give.
    const { createClient } = await import('redis');
    const raw = createClient({ url: redis.url });
    await raw.connect();
    await raw.sendCommand(['ACL', 'SETUSER', 'app', 'on', '>pw', '~*', '&*', '+@all', '-config']);
    await raw.close();
    const store = new RedisStore({ url: redis.url.replace('redis://', 'redis://app:pw@'), warn: (m) => warnings.push(m) });
    await store.open();
    open.push(store);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not read the persistence settings .* appendonly yes, appendfsync always, aof-load-truncated no/);
    expect(warnings[0]).not.toContain(':pw@');
  });

  test('a batch cut short in the AOF is dropped whole: the batches before it and after the restart stay whole, seqs gapless', async () => {
    const redis = await startRedis({ durable: true });
    const store = await openStore(redis);
    const { id } = await store.createRoom({ name: 'cut' });
    const kept = [...(await store.append(id, batch('a'))), ...(await store.append(id, batch('b')))];
    await store.append(id, batch('cut'));
    await redis.stop();
    await cutLastTransaction(redis);
    await redis.restart();
    expect(redis.repairs).toBe(1); // Redis refused the cut AOF; redis-check-aof --fix cut it before the MULTI
    kept.push(...(await appendWhenBack(store, id, 'after')));
    // A second restart replays the AOF the first one left: nothing of the cut batch may come back or merge.
    await redis.stop();
    await redis.restart();
    kept.push(...(await appendWhenBack(store, id, 'last')));
    const stored = await store.read(id, { after: 0, limit: 1000 });
    expect(stored.map((m) => m.content)).toEqual(kept.map((m) => m.content));
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored).toEqual(kept);
  });
});
