// `npm run bench`: ours against the node:http ceiling, bare Hono and the peers, on this machine, in one run; prints a table, writes JSON.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureCliStart, withCliRoom } from './cli-start.js';
import { measureDelivery, type Transport } from './delivery.js';
import { cpuMs, load, MESSAGE, type LoadResult } from './load.js';
import { createClient } from 'redis';
import { hasRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { stopAllRedis } from '../helpers/redis-server.js';
import { freePort, installed, startNats, startRedis, type Peer } from './peers.js';
import { ROOT, rssMb, startOurs, startProcess, startReference } from './processes.js';
import { SEND_AUTHS, startSendTarget } from './send-targets.js';
import { measureUiPaint } from './ui-paint.js';

const quick = process.argv.includes('--quick');
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
/** `--only send,batch` runs just those phases (send, batch, delivery, redis, history, spread, rooms100k, ui, cli);
 *  `cluster` runs only the Redis phase's file and Redis Cluster rows. */
const only = flag('only')?.split(',');
const want = (phase: string) => !only || only.includes(phase);
const SECONDS = quick ? 2 : 5;
/** Sends per load run of the send table: a fixed number, so server CPU per send is taken over the same work. */
const SENDS = Number(flag('sends') ?? (quick ? 10_000 : 40_000));
const DELIVERIES = quick ? 50 : 200;
const CONNECTIONS = flag('connections')?.split(',').map(Number) ?? [1, 10, 100];
const SUBSCRIBERS = [1, 10, 100];
/** Room counts the spread table sends across (the largest is built once and the others are its first rooms). */
const SPREAD_ROOMS = [1000, 2000, 10_000];
const HISTORY = quick ? [0, 100_000] : [0, 100_000, 1_000_000];
/** Load runs are repeated and the median kept: on a shared 2-core machine single runs swing by tens of percent. */
const REPEAT = Number(flag('repeat') ?? (quick ? 1 : 3));
/** The send table's auth modes (`--auth=auth off,agent key`), all three unless told. */
const AUTHS = SEND_AUTHS.filter((a) => flag('auth')?.split(',').includes(a) ?? true);
/** Runs of each CLI call, interleaved; the median is kept. */
const CLI_RUNS = 20;

type Row = Record<string, string | number>;
const tables: Record<string, Row[]> = {};
const add = (table: string, row: Row) => {
  (tables[table] ??= []).push(row);
  console.error(`${table}: ${JSON.stringify(row)}`);
};

/** The run whose `by` is the median of the runs. */
function middle<T>(runs: readonly T[], by: (run: T) => number): T {
  return [...runs].sort((a, b) => by(a) - by(b))[Math.floor(runs.length / 2)]!;
}
const throughput = (r: { rps: number }) => r.rps;

/** Runs `measure` REPEAT times and keeps the run with the median throughput. */
async function median<T extends { rps: number }>(measure: () => Promise<T>): Promise<T> {
  const runs: T[] = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await measure());
  return middle(runs, throughput);
}

async function createRoom(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  return ((await res.json()) as { roomId: string }).roomId;
}

/** Fills a room with `count` messages through the batch endpoint, 4 batches of 1,000 in flight. */
async function fill(url: string, roomId: string, count: number): Promise<void> {
  const batch = `[${Array.from({ length: 1000 }, () => MESSAGE).join(',')}]`;
  let left = Math.ceil(count / 1000);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (left-- > 0) {
        const res = await fetch(`${url}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch });
        if (res.status !== 201) throw new Error(`fill answered ${res.status}`);
      }
    }),
  );
}

async function coldStartMs(dataDir: string, extra: string[] = []): Promise<number> {
  const t0 = performance.now();
  const proc = await startOurs(dataDir, extra);
  for (;;) {
    const ok = await fetch(`${proc.url}/agent/health`).then((r) => r.ok, () => false);
    if (ok) break;
  }
  const ms = performance.now() - t0;
  await proc.stop();
  return Math.round(ms);
}

const dataDir = await mkdtemp(join(tmpdir(), 'im-bench-'));
try {
  // 1. Single-message sends at 1, 10 and 100 connections: ours with auth off, a room write key and an agent key (the
  // agent named as MESSAGE's sender, so all post the same body), bare Hono, the bare node:http ceiling, and the peers.
  // `--baseline=DIR` adds the same three for the build in DIR (another checkout, built), each right after this build's.
  // Each takes SENDS sends in turn, REPEAT turns; a row keeps the median of its turns' ratios to the ceiling's same
  // turn, for throughput and for server CPU per send (the steadier figure on a shared machine).
  const ours = await startOurs(join(dataDir, 'send'));
  const peers: Peer[] = [];
  if (installed('redis-server')) peers.push(await startRedis());
  else add('skipped', { peer: 'Redis Streams', why: 'redis-server not installed' });
  if (installed('nats-server')) peers.push(await startNats());
  else add('skipped', { peer: 'NATS core', why: 'nats-server not installed' });

  if (want('send')) {
    const baseline = flag('baseline');
    type Contender = { system: string; url: string; pid: number; headers: Record<string, string>; stop: () => Promise<void> };
    const contenders: Contender[] = [];
    for (const auth of AUTHS) {
      for (const [label, root] of [['', ROOT], ...(baseline ? [[' (baseline)', baseline]] : [])] as [string, string][]) {
        const t = await startSendTarget(auth, join(dataDir, `send-${contenders.length}`), [], root);
        contenders.push({ system: `im-for-agents, ${auth}${label}`, url: t.url, pid: t.proc.child.pid!, headers: t.headers, stop: t.proc.stop });
      }
    }
    for (const [system, file] of [['Hono on node-server (no storage)', 'hono-floor-server.ts'], ['node:http ceiling (no storage)', 'ceiling-server.ts']] as const) {
      const p = await startReference(file);
      contenders.push({ system, url: p.url, pid: p.child.pid!, headers: {}, stop: p.stop });
    }
    // A fresh server's first sends are mostly compiling.
    for (const x of contenders) await load(x.url, MESSAGE, 10, { amount: SENDS / 4 }, undefined, x.headers);
    for (const c of CONNECTIONS) {
      const turns: LoadResult[][] = [];
      for (let i = 0; i < REPEAT; i++) {
        const turn: LoadResult[] = [];
        for (const x of contenders) turn.push(await load(x.url, MESSAGE, c, { amount: SENDS }, x.pid, x.headers));
        turns.push(turn);
      }
      const ceilingAt = contenders.length - 1;
      const pct = (n: number) => `${Math.round(n * 100)}%`;
      contenders.forEach((x, at) => {
        const t = middle(turns, (turn) => turn[at]!.rps / turn[ceilingAt]!.rps);
        const u = middle(turns, (turn) => (turn[ceilingAt]!.cpuUs ?? 0) / Math.max(1, turn[at]!.cpuUs ?? 0));
        add('send', {
          system: x.system, connections: c, 'req/s': t[at]!.rps, 'p50 ms': t[at]!.p50, 'p99 ms': t[at]!.p99, errors: t[at]!.errors,
          'of ceiling': pct(t[at]!.rps / t[ceilingAt]!.rps),
          'server CPU µs/req': u[at]!.cpuUs ?? '',
          'of ceiling (CPU)': pct((u[ceilingAt]!.cpuUs ?? 0) / Math.max(1, u[at]!.cpuUs ?? 0)),
        });
      });
      const ceilingRps = middle(turns, (t) => t[ceilingAt]!.rps)[ceilingAt]!.rps;
      for (const peer of process.argv.includes('--no-peers') ? [] : peers) {
        const r = await median(() => peer.throughput(c, SECONDS));
        add('send', { system: `${peer.name} (${peer.note})`, connections: c, 'req/s': r.rps, 'p50 ms': r.p50, 'p99 ms': r.p99, errors: 0, 'of ceiling': `${Math.round((r.rps / ceilingRps) * 100)}%`, 'server CPU µs/req': '', 'of ceiling (CPU)': '' });
      }
    }
    await Promise.all(contenders.map((x) => x.stop()));
  }

  // 2. Batch sends.
  for (const size of want('batch') ? [100, 1000] : []) {
    const room = await createRoom(ours.url, `batch-${size}`);
    const body = `[${Array.from({ length: size }, () => MESSAGE).join(',')}]`;
    const r = await load(`${ours.url}/agent/rooms/${room}/messages`, body, 4, SECONDS);
    add('batch', { 'batch size': size, connections: 4, 'msg/s': r.rps * size, 'p50 ms': r.p50, 'p99 ms': r.p99, errors: r.errors });
  }

  // 3. Delivery latency, send to receipt.
  for (const transport of want('delivery') ? (['sse', 'long-poll'] as Transport[]) : []) {
    for (const n of SUBSCRIBERS) {
      const room = await createRoom(ours.url, `delivery-${transport}-${n}`);
      const d = await measureDelivery(ours.url, room, transport, n, DELIVERIES, ours.url, ours.child.pid);
      add('delivery', { system: `im-for-agents ${transport}`, subscribers: n, 'p50 ms': d.p50, 'p99 ms': d.p99, samples: d.n, 'server CPU µs/delivery': d.cpuUs ?? '' });
    }
  }
  for (const peer of want('delivery') ? peers : []) {
    for (const n of SUBSCRIBERS) {
      const d = await peer.delivery(n, DELIVERIES);
      add('delivery', { system: peer.name, subscribers: n, 'p50 ms': d.p50, 'p99 ms': d.p99, samples: d.n, 'server CPU µs/delivery': '' });
    }
  }
  // 3b. The Redis store beside the file store: one server, then three on the same Redis with the sends split across
  // them; server CPU per send summed over the servers, Redis's own CPU per send; delivery by SSE to 10 subscribers on
  // one server of messages sent to another. `--baseline=DIR` adds the same rows for the build in DIR (another
  // checkout, built), each right after the same row of this build, so a change is measured before and after in one run.
  // Then the same for one server and three on a local Redis Cluster (3 masters, 3 replicas), Redis CPU summed over
  // the masters' INFO cpu.
  const redisPeer = peers.find((p) => p.url?.startsWith('redis://'));
  type Server = Awaited<ReturnType<typeof startOurs>>;
  let fileRps = 0;
  /** One row of the redis table; `redisCpuMs` reads the CPU time of the Redis (all of it) the servers use. */
  const measureStore = async (store: string, servers: Server[], redisCpuMs: () => number | Promise<number> = () => 0) => {
    const room = await createRoom(servers[0]!.url, `store-send-${store}`);
    const runs = await median(async () => {
      const redis0 = await redisCpuMs();
      const each = await Promise.all(servers.map((s) => load(`${s.url}/agent/rooms/${room}/messages`, MESSAGE, Math.round(100 / servers.length), SECONDS, s.child.pid)));
      const redisMs = (await redisCpuMs()) - redis0;
      const requests = each.reduce((n, r) => n + r.rps, 0);
      const cpuUs = each.reduce((n, r) => n + (r.cpuUs ?? 0) * r.rps, 0) / Math.max(1, requests);
      const answered = requests * SECONDS;
      return { rps: requests, p99: Math.max(...each.map((r) => r.p99)), errors: each.reduce((n, r) => n + r.errors, 0), cpuUs: Math.round(cpuUs), redisUs: Math.round((redisMs * 1000) / Math.max(1, answered)) };
    });
    const droom = await createRoom(servers[0]!.url, `store-delivery-${store}`);
    const d = await measureDelivery(servers.at(-1)!.url, droom, 'sse', 10, DELIVERIES, servers[0]!.url);
    if (store.startsWith('file')) fileRps = runs.rps;
    add('redis', { store, connections: 100, 'req/s': runs.rps, 'of file': `${Math.round((runs.rps / Math.max(1, fileRps)) * 100)}%`, 'send p99 ms': runs.p99, errors: runs.errors, 'server CPU µs/req': runs.cpuUs, 'Redis CPU µs/req': store.startsWith('file') ? '' : runs.redisUs, 'delivery p50 ms': d.p50, 'delivery p99 ms': d.p99, samples: d.n });
  };
  // A fresh server's first seconds are mostly compiling: each is loaded once before it is measured.
  const warm = async (servers: Server[]) => {
    const room = await createRoom(servers[0]!.url, 'store-warm-up');
    await Promise.all(servers.map((s) => load(`${s.url}/agent/rooms/${room}/messages`, MESSAGE, 10, SECONDS)));
  };
  if (want('redis') && redisPeer?.url) {
    const baseline = flag('baseline');
    const redisPid = redisPeer.proc.child.pid!;
    const redisCpu = () => cpuMs(redisPid);
    const builds: [label: string, root: string][] = [['', ROOT], ...(baseline ? [[' (baseline)', baseline] as [string, string]] : [])];
    const fleets = await Promise.all(builds.map(async ([label, root], b) => ({ label, servers: [await startOurs(join(dataDir, `redis-${b}-0`), ['--store', redisPeer.url!], root)] })));
    for (const servers of [[ours], ...fleets.map((f) => f.servers)]) await warm(servers);
    await measureStore('file, 1 server', [ours]);
    for (const f of fleets) await measureStore(`Redis, 1 server${f.label}`, f.servers, redisCpu);
    // What each appendfsync costs a send (the store asks for always: src/store/redis/durability.ts), on the same Redis.
    const config = createClient({ url: redisPeer.url });
    await config.connect();
    for (const fsync of ['everysec', 'always', 'no']) {
      await config.configSet('appendfsync', fsync);
      await measureStore(`Redis, 1 server, appendfsync ${fsync}`, fleets[0]!.servers, redisCpu);
    }
    // What --redis-wait 1 costs a send: a replica of the bench's Redis, then the same server with it attached
    // (--redis-wait 0) and one more with --redis-wait 1, each sending into its own room.
    const replicaDir = await mkdtemp(join(tmpdir(), 'bench-replica-'));
    const replica = await startProcess('redis-server', ['--port', String(await freePort()), '--bind', '127.0.0.1', '--dir', replicaDir, '--save', '', '--appendonly', 'no', '--replicaof', '127.0.0.1', new URL(redisPeer.url).port], /(Ready to accept connections)/);
    while (!/state=online/.test(await config.info('replication'))) await new Promise((r) => setTimeout(r, 100));
    await measureStore('Redis, 1 server, a replica, --redis-wait 0', fleets[0]!.servers, redisCpu);
    const waiting = await startOurs(join(dataDir, 'redis-wait-1'), ['--store', redisPeer.url, '--redis-wait', '1']);
    await warm([waiting]);
    await measureStore('Redis, 1 server, a replica, --redis-wait 1', [waiting], redisCpu);
    await waiting.stop();
    await replica.stop();
    await rm(replicaDir, { recursive: true, force: true });
    await config.close();
    for (const [b, f] of fleets.entries()) {
      for (let i = 1; i < 3; i++) f.servers.push(await startOurs(join(dataDir, `redis-${b}-${i}`), ['--store', redisPeer.url], builds[b]![1]));
      await warm(f.servers);
    }
    for (const f of fleets) await measureStore(`Redis, 3 servers${f.label}`, f.servers, redisCpu);
    await Promise.all(fleets.flatMap((f) => f.servers.map((s) => s.stop())));
  } else if (want('redis')) add('skipped', { peer: 'Redis store', why: 'redis-server not installed' });
  if ((want('redis') || want('cluster')) && hasRedisCluster) {
    // appendfsync no on every node, as the bench's single Redis runs, so the rows compare with its rows.
    const cluster = await startRedisCluster();
    try {
      await Promise.all(cluster.nodes.map((_, i) => cluster.cli(i, 'config', 'set', 'appendfsync', 'no')));
      const masters = (await cluster.masters()).map((port) => cluster.nodes.findIndex((n) => n.port === port));
      /** used_cpu_sys + used_cpu_user of every master, in ms. */
      const clusterCpu = async () => {
        const infos = await Promise.all(masters.map((i) => cluster.cli(i, 'info', 'cpu')));
        const seconds = (info: string, field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
        return infos.reduce((ms, info) => ms + (seconds(info, 'used_cpu_sys') + seconds(info, 'used_cpu_user')) * 1000, 0);
      };
      if (!want('redis')) {
        await warm([ours]);
        await measureStore('file, 1 server', [ours]);
      }
      const servers = [await startOurs(join(dataDir, 'cluster-0'), ['--store', cluster.url])];
      await warm(servers);
      await measureStore('Redis Cluster (3 masters), 1 server', servers, clusterCpu);
      for (let i = 1; i < 3; i++) servers.push(await startOurs(join(dataDir, `cluster-${i}`), ['--store', cluster.url]));
      await warm(servers);
      await measureStore('Redis Cluster (3 masters), 3 servers', servers, clusterCpu);
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await stopAllRedis();
    }
  } else if (want('cluster') || want('redis')) add('skipped', { peer: 'Redis Cluster store', why: 'redis-server or redis-cli not installed' });
  for (const peer of peers) await peer.proc.stop();
  await ours.stop();

  if (want('history')) {
    // 4. Cost against stored history, memory, cold start.
    const histDir = join(dataDir, 'history');
    const coldEmpty = await coldStartMs(join(dataDir, 'cold-empty'));
    let server = await startOurs(histDir);
    const rooms: { stored: number; room: string; rss: number; fill: number | string }[] = [];
    for (const stored of HISTORY) {
      const room = await createRoom(server.url, `history-${stored}`);
      const t0 = performance.now();
      await fill(server.url, room, stored);
      const fillS = (performance.now() - t0) / 1000;
      // Restart, so memory shows what the stored history costs rather than what the fill left behind.
      await server.stop();
      server = await startOurs(histDir);
      await new Promise((r) => setTimeout(r, 300));
      rooms.push({ stored, room, rss: await rssMb(server.child.pid!), fill: stored ? Math.round(stored / fillS) : '-' });
    }
    // Then the rooms take turns under the same load, so drift in the machine's speed hits each alike.
    const runs = new Map<number, LoadResult[]>(rooms.map((r) => [r.stored, []]));
    // Each run adds its own messages; the empty case gets a fresh room every time so that it stays empty.
    for (let i = 0; i < REPEAT; i++) {
      for (const r of rooms) {
        const room = r.stored === 0 ? await createRoom(server.url, `history-0-${i}`) : r.room;
        runs.get(r.stored)!.push(await load(`${server.url}/agent/rooms/${room}/messages`, MESSAGE, 100, SECONDS, server.child.pid));
      }
    }
    const empty = middle(runs.get(0)!, throughput).rps;
    for (const r of rooms) {
      const m = middle(runs.get(r.stored)!, throughput);
      add('history', { 'stored before the first run': r.stored, 'send req/s (100 conn)': m.rps, 'of empty': `${Math.round((m.rps / empty) * 100)}%`, 'server CPU µs/req': m.cpuUs ?? '', 'p99 ms': m.p99, 'RSS MB after restart': r.rss, 'fill msg/s': r.fill });
    }
    await server.stop();
    add('start', { data: 'empty', 'cold start to first answer ms': coldEmpty });
    add('start', { data: `${HISTORY.reduce((a, b) => a + b, 0).toLocaleString('en')} stored messages`, 'cold start to first answer ms': await coldStartMs(histDir) });

  }

  if (want('spread')) {
    // 5b. Sends spread over many rooms against sends into one room, same server, turn by turn: 10,000 rooms built
    // through FileStore (the real files), then a real server with the default --max-open-files; each send goes to the
    // next room in turn, so every room in the set gets the same share.
    const dir = join(dataDir, 'spread');
    const { FileStore } = await import('../../src/store/file/file-store.js');
    const store = new FileStore({ dir, warn: () => {} });
    await store.open();
    const ids: string[] = [];
    let left = SPREAD_ROOMS.at(-1)!;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (left-- > 0) ids.push((await store.createRoom({ name: `spread-${left}` })).id);
      }),
    );
    await store.close();
    const server = await startOurs(dir);
    const pid = server.child.pid!;
    const paths = (n: number) => ids.slice(0, n).map((id) => `/agent/rooms/${id}/messages`);
    // One send into every room first: a room's first use after a start recovers its files, a one-time cost that
    // would otherwise fill the first runs.
    const warm = paths(ids.length);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let path; (path = warm.pop()); ) {
          const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: MESSAGE });
          if (res.status !== 201) throw new Error(`warm-up send answered ${res.status}`);
        }
      }),
    );
    const sets = SPREAD_ROOMS.map((n) => ({ n, paths: paths(n) }));
    for (const c of CONNECTIONS) {
      const turns: { one: LoadResult; spread: LoadResult[] }[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const one = await load(`${server.url}${paths(1)[0]}`, MESSAGE, c, SECONDS, pid);
        const spread: LoadResult[] = [];
        for (const set of sets) spread.push(await load(server.url, MESSAGE, c, SECONDS, pid, {}, set.paths));
        turns.push({ one, spread });
      }
      // The turn with the median ratio for the largest set the target names (2,000 rooms).
      const { one, spread } = middle(turns, (t) => t.spread[1]!.rps / t.one.rps);
      const row = (sends: string, r: LoadResult) => ({ sends, connections: c, 'req/s': r.rps, 'p99 ms': r.p99, errors: r.errors, 'of one room': `${Math.round((r.rps / one.rps) * 100)}%`, 'server CPU µs/req': r.cpuUs ?? '' });
      add('spread', row('into one room', one));
      sets.forEach((set, i) => add('spread', row(`spread over ${set.n.toLocaleString('en')} rooms`, spread[i]!)));
    }
    await server.stop();
  }

  if (want('rooms100k')) {
    // 6. Many rooms on the file store: built in-process through FileStore (the real files), then a real server.
    const count = quick ? 10_000 : 100_000;
    const dir = join(dataDir, 'rooms100k');
    const extra = ['--max-rooms', String(count * 2)];
    const { FileStore } = await import('../../src/store/file/file-store.js');
    const store = new FileStore({ dir, maxRooms: count * 2, warn: () => {} });
    await store.open();
    const ids: string[] = [];
    let left = count;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (left-- > 0) {
          const { id } = await store.createRoom({ name: `room-${left}` });
          await store.append(id, [JSON.parse(MESSAGE) as { sender: string; content: string }]);
          ids.push(id);
        }
      }),
    );
    await store.close();
    const cold = await coldStartMs(dir, extra);
    const server = await startOurs(dir, extra);
    const pid = server.child.pid!;
    const t0 = performance.now();
    await fetch(`${server.url}/agent/rooms?limit=100`).then((r) => r.json());
    const pageMs = Math.round(performance.now() - t0);
    const requests = ids.slice(0, 1000).map((id) => ({ method: 'POST' as const, path: `/agent/rooms/${id}/messages`, body: MESSAGE, headers: { 'content-type': 'application/json' } }));
    const { default: autocannon } = await import('autocannon');
    const spread = await autocannon({ url: server.url, connections: 100, duration: SECONDS, requests });
    const one = await load(`${server.url}/agent/rooms/${ids[0]}/messages`, MESSAGE, 100, SECONDS, pid);
    const { readdir } = await import('node:fs/promises');
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    const rss = await rssMb(pid);
    await server.stop();
    const rooms = count.toLocaleString('en');
    add('rooms100k', { measure: `sends spread over 1,000 of ${rooms} rooms (100 conn)`, value: `${Math.round(spread.requests.average)} req/s, p99 ${spread.latency.p99} ms, ${spread.errors + spread.non2xx} errors` });
    add('rooms100k', { measure: `sends into one of ${rooms} rooms (100 conn)`, value: `${one.rps} req/s, p99 ${one.p99} ms, ${one.errors} errors` });
    add('rooms100k', { measure: 'open files of the server after both (/proc/PID/fd; default --max-open-files: a quarter of ulimit -n)', value: fds });
    add('rooms100k', { measure: 'RSS MB after both', value: rss });
    add('rooms100k', { measure: 'cold start to first answer after a clean stop, ms', value: cold });
    add('rooms100k', { measure: 'first page of the room list (100), ms', value: pageMs });
  }

  if (want('ui')) {
    // 5. The web UI opening a room of 1,000 messages (Markdown, code, hand-off fields), in headless Chromium.
    const uiServer = await startOurs(join(dataDir, 'ui'));
    const uiRoom = await createRoom(uiServer.url, 'ui-1000');
    const uiBatch = Array.from({ length: 1000 }, (_, i) => ({
      sender: `agent-${i % 5}`,
      content: `Step ${i}: **parsed** the input, see \`rows.csv\`.\n\n\`\`\`ts\nconst rows = parse(input); // ${i}\n\`\`\`\n- one\n- two`,
      to: [`agent-${(i + 1) % 5}`],
      type: 'result',
      metadata: { step: i },
    }));
    await fetch(`${uiServer.url}/agent/rooms/${uiRoom}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(uiBatch) });
    const paint = await measureUiPaint(uiServer.url, uiRoom);
    if (paint) add('ui', { room: '1,000 messages', 'first paint ms': paint.firstPaintMs, 'newest message in view ms': paint.newestShownMs, 'newest 100 rendered ms': paint.roomShownMs });
    else add('skipped', { peer: 'web UI paint', why: 'no Chromium installed' });
    await uiServer.stop();
  }

  if (want('cli')) {
    // 6. One CLI call as a script makes it (send, wait, tail), against the same request from a one-shot node:http script, and npx.
    const cliRows = await withCliRoom(join(dataDir, 'cli'), (url, room) => measureCliStart(url, room, CLI_RUNS, { npx: !quick }));
    for (const row of cliRows) add('cli', { ...row });
    if (quick) add('skipped', { peer: 'npx rows of the cli table', why: 'quick run' });
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString(), quick };
let md = `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.date.slice(0, 10)}${quick ? ' (quick run)' : ''}; load runs of ${SECONDS} s, median of ${REPEAT}\n`;
for (const [name, rows] of Object.entries(tables)) {
  const cols = Object.keys(rows[0] ?? {});
  md += `\n**${name}**\n\n| ${cols.join(' | ')} |\n| ${cols.map(() => '---').join(' | ')} |\n`;
  for (const row of rows) md += `| ${cols.map((c) => row[c] ?? '').join(' | ')} |\n`;
}
process.stdout.write(md);
await mkdir(join(ROOT, 'test/bench/results'), { recursive: true });
// A quick or partial run is a local check: its file is ignored by git, so running it leaves the work tree clean; only a
// full run writes the tracked latest.json that the performance docs quote.
await writeFile(join(ROOT, 'test/bench/results', only ? 'partial.json' : quick ? 'quick.json' : 'latest.json'), JSON.stringify({ machine, tables }, null, 2) + '\n');

process.exit(0);
