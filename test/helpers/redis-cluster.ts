// A private Redis Cluster for tests: 6 redis-servers (3 masters + 3 replicas) on free 127.0.0.1 ports, each in its own temp dir.
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterTestFile } from './hooks.js';
import { freePort, hasProgram, hasRedis, launch, redisDir, stopProcess } from './redis-server.js';

const run = promisify(execFile);
const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';

/** Whether a cluster can be made here (redis-server and redis-cli). Under CI their absence fails the test file. */
export const hasRedisCluster: boolean = hasRedis && hasProgram(REDIS_CLI, 'redis-tools', 'Redis Cluster tests');

export interface ClusterNode {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** Its AOF and nodes.conf; a restart reuses them, so it rejoins as the same node. */
  dir: string;
}

export interface RedisCluster {
  /** One node's URL (the first): the store finds the others from it. */
  url: string;
  /** A seed list naming the first three nodes, redis://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3. */
  seeds: string;
  /** All six, in the order given to `redis-cli --cluster create` (it makes the first three masters). */
  nodes: ClusterNode[];
  /** SIGKILL node i, as a crash. */
  kill(i: number): Promise<void>;
  /** Starts node i again on its port and dir (it rejoins the cluster, as a replica if it was failed over). */
  restart(i: number): Promise<void>;
  /** SIGSTOP node i: it keeps its connections but answers nothing (nor replicates) until `resume(i)` (SIGCONT). */
  pause(i: number): void;
  resume(i: number): void;
  /** The indexes (into `nodes`) of the master that holds `key`'s slot now and of its replicas, as the first running
   *  node sees it. */
  holders(key: string): Promise<{ master: number; replicas: number[] }>;
  /** Runs redis-cli against node i (`-p <port> ...args`) and returns its stdout. */
  cli(i: number, ...args: string[]): Promise<string>;
  /** Ports of the nodes that are masters now, as node i sees it (default the first node still running). */
  masters(): Promise<number[]>;
  /** Until every running node says cluster_state:ok and every replica's link to its master is up (a guard against a
   *  hang: `timeoutMs`, default 20 s). */
  waitOk(timeoutMs?: number): Promise<void>;
  /** SIGTERM every node. Also done after the test file. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** appendfsync always and aof-load-truncated no, as the store asks for (test/helpers/redis-server.ts). */
  durable?: boolean;
  /** cluster-node-timeout in ms (default 2000): how long a master is unreachable before its replica takes over. */
  nodeTimeoutMs?: number;
}

const NODES = 6;

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  return stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a cluster of 6 nodes (a few tries per node, in case another process takes a free port first), joins them
 * with `redis-cli --cluster create --cluster-replicas 1`, and resolves once every node says cluster_state:ok.
 * Each node's cluster bus gets a free port of its own (cluster-port), since port + 10000 may be past 65535.
 */
export async function startRedisCluster(options: ClusterOptions = {}): Promise<RedisCluster> {
  const procs: (ChildProcess | undefined)[] = [];
  const nodes: ClusterNode[] = [];
  const args: string[][] = [];
  for (let i = 0; i < NODES; i++) {
    const dir = await redisDir();
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const bus = await freePort();
      const extra = [
        '--cluster-enabled', 'yes',
        '--cluster-config-file', 'nodes.conf',
        '--cluster-port', String(bus),
        '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2000),
        ...(options.durable ? ['--appendfsync', 'always', '--aof-load-truncated', 'no'] : []),
      ];
      try {
        procs[i] = await launch(port, dir, extra);
        nodes.push({ port, url: `redis://127.0.0.1:${port}`, dir });
        args.push(extra);
        break;
      } catch (err) {
        if (attempt >= 2) throw err;
      }
    }
  }
  const cluster: RedisCluster = {
    url: nodes[0]!.url,
    seeds: `redis://${nodes.slice(0, 3).map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    nodes,
    kill: async (i) => {
      const proc = procs[i];
      procs[i] = undefined;
      if (proc) await stopProcess(proc, 'SIGKILL');
    },
    restart: async (i) => {
      const proc = procs[i];
      if (proc) await stopProcess(proc);
      procs[i] = await launch(nodes[i]!.port, nodes[i]!.dir, args[i]!);
    },
    pause: (i) => void procs[i]?.kill('SIGSTOP'),
    resume: (i) => void procs[i]?.kill('SIGCONT'),
    holders: async (key) => {
      const at = nodes[procs.findIndex((p) => p !== undefined)]!.port;
      const slot = Number((await cli(at, 'cluster', 'keyslot', key)).trim());
      const lines = (await cli(at, 'cluster', 'nodes')).trim().split('\n').map((l) => l.split(' '));
      const index = (f: string[]) => nodes.findIndex((n) => n.port === Number(f[1]!.split('@')[0]!.split(':').pop()));
      const master = lines.find(
        (f) => f[2]!.split(',').includes('master') && !f[2]!.includes('fail') && f.slice(8).some((r) => {
          const [lo, hi = lo] = r.split('-').map(Number);
          return slot >= lo! && slot <= hi!;
        }),
      );
      if (!master) throw new Error(`no master holds slot ${slot}`);
      return { master: index(master), replicas: lines.filter((f) => f[3] === master[0]).map(index) };
    },
    cli: (i, ...rest) => cli(nodes[i]!.port, ...rest),
    masters: async () => {
      const i = procs.findIndex((p) => p !== undefined);
      const lines = (await cli(nodes[i]!.port, 'cluster', 'nodes')).trim().split('\n');
      return lines
        .map((l) => l.split(' '))
        .filter((f) => f[2]!.split(',').includes('master') && !f[2]!.includes('fail'))
        .map((f) => Number(f[1]!.split('@')[0]!.split(':').pop()));
    },
    waitOk: async (timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          nodes.map(async (n, i) => {
            if (!procs[i]) return 'stopped';
            try {
              return (await cli(n.port, 'cluster', 'info')) + (await cli(n.port, 'info', 'replication'));
            } catch (err) {
              return (err as Error).message;
            }
          }),
        );
        const ok = (s: string) => s === 'stopped' || (s.includes('cluster_state:ok') && (s.includes('role:master') || s.includes('master_link_status:up')));
        if (states.every(ok)) return;
        if (Date.now() > until) throw new Error(`the Redis Cluster is not ok after ${timeoutMs} ms:\n${states.join('\n')}`);
        await sleep(100);
      }
    },
    stop: async () => {
      await Promise.all(procs.splice(0).map((p) => p && stopProcess(p)));
    },
  };
  await run(REDIS_CLI, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], {
    encoding: 'utf8',
  });
  await cluster.waitOk();
  return cluster;
}

let shared: Promise<RedisCluster> | undefined;
// Its processes are stopped with every other redis-server after the file (redis-server.ts): the next file starts its own.
afterTestFile(() => {
  shared = undefined;
});

/** One cluster for the whole test file (each store in it uses its own key prefix). */
export function sharedRedisCluster(): Promise<RedisCluster> {
  return (shared ??= startRedisCluster());
}
