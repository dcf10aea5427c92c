// Peer rows: Redis Streams (XADD, XREAD BLOCK) and NATS core publish/subscribe on loopback, when installed.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as natsConnect, type NatsConnection } from 'nats';
import { createClient, type RedisClientType } from 'redis';
import { MESSAGE } from './load.js';
import { startProcess, type Proc } from './processes.js';
import { percentiles, type Percentiles } from './stats.js';

export function installed(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface Peer {
  name: string;
  note: string;
  proc: Proc;
  /** Where a client connects (Redis: our Redis store rows use the same server). */
  url?: string;
  /** Closed loop: `connections` clients each sending one message at a time for `seconds`. */
  throughput(connections: number, seconds: number): Promise<{ rps: number; p50: number; p99: number }>;
  delivery(subscribers: number, count: number): Promise<Percentiles>;
}

async function closedLoop(clients: (() => Promise<unknown>)[], seconds: number) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (send) => {
      while (performance.now() < end) {
        const t = performance.now();
        await send();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const p = percentiles(latencies);
  return { rps: Math.round(latencies.length / seconds), p50: p.p50, p99: p.p99 };
}

export async function startRedis(): Promise<Peer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bench-redis-'));
  // appendonly + appendfsync no: each write reaches the OS before the reply, as our default store promises.
  const proc = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'no'], /(Ready to accept connections)/);
  const url = `redis://127.0.0.1:${port}`;
  const open = async (n: number) => Promise.all(Array.from({ length: n }, () => createClient({ url }).connect() as Promise<RedisClientType>));
  const fields = JSON.parse(MESSAGE) as Record<string, string>;
  return {
    name: 'Redis Streams',
    note: 'XADD / XREAD BLOCK, AOF appendfsync no',
    proc,
    url,
    async throughput(connections, seconds) {
      const clients = await open(connections);
      const r = await closedLoop(clients.map((c) => () => c.xAdd('bench', '*', fields)), seconds);
      await Promise.all(clients.map((c) => c.quit()));
      return r;
    },
    async delivery(subscribers, count) {
      const [sender] = await open(1);
      const subs = await open(subscribers);
      // XADD returns the id only after the readers may already have it: keep both times and pair them up after.
      const sentAt = new Map<string, number>();
      const receivedAt: [string, number][] = [];
      let pending = 0;
      let release: (() => void) | undefined;
      let running = true;
      const last = await sender!.xAdd('delivery', '*', { marker: 'start' });
      const loops = subs.map(async (c) => {
        let id = last;
        while (running) {
          const res = (await c.xRead({ key: 'delivery', id }, { BLOCK: 200 })) as { messages: { id: string }[] }[] | null;
          for (const m of res?.[0]?.messages ?? []) {
            id = m.id;
            receivedAt.push([m.id, performance.now()]);
            if (--pending === 0) release?.();
          }
        }
      });
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < count; i++) {
        pending = subscribers;
        const all = new Promise<void>((r) => (release = r));
        const t = performance.now();
        sentAt.set(await sender!.xAdd('delivery', '*', { ...fields, i: String(i) }), t);
        await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
      }
      running = false;
      await Promise.all(loops);
      await Promise.all([sender!, ...subs].map((c) => c.quit()));
      return percentiles(receivedAt.flatMap(([id, t]) => (sentAt.has(id) ? [t - sentAt.get(id)!] : [])));
    },
  };
}

export async function startNats(): Promise<Peer> {
  const port = await freePort();
  const proc = await startProcess('nats-server', ['-a', '127.0.0.1', '-p', String(port)], /(Server is ready)/);
  const servers = `127.0.0.1:${port}`;
  const open = (n: number) => Promise.all(Array.from({ length: n }, () => natsConnect({ servers })));
  const payload = new TextEncoder().encode(MESSAGE);
  return {
    name: 'NATS core',
    note: 'publish + flush / subscribe, no persistence',
    proc,
    async throughput(connections, seconds) {
      const conns = await open(connections);
      const r = await closedLoop(conns.map((nc) => () => (nc.publish('bench', payload), nc.flush())), seconds);
      await Promise.all(conns.map((nc) => nc.close()));
      return r;
    },
    async delivery(subscribers, count) {
      const [sender] = await open(1);
      const subs: NatsConnection[] = await open(subscribers);
      const samples: number[] = [];
      let pending = 0;
      let release: (() => void) | undefined;
      let sentAt = 0;
      for (const nc of subs) {
        nc.subscribe('delivery', {
          callback: () => {
            samples.push(performance.now() - sentAt);
            if (--pending === 0) release?.();
          },
        });
        await nc.flush();
      }
      for (let i = 0; i < count; i++) {
        pending = subscribers;
        const all = new Promise<void>((r) => (release = r));
        sentAt = performance.now();
        sender!.publish('delivery', payload);
        await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
      }
      await Promise.all([sender!, ...subs].map((nc) => nc.close()));
      return percentiles(samples);
    },
  };
}
