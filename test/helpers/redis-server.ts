// A private redis-server for tests: a free 127.0.0.1 port, its own temp dir (AOF on, no snapshots), stopped after use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterTestFile } from './hooks.js';

/** The redis-server program (REDIS_SERVER overrides it). */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const REDIS_CHECK_AOF = process.env.REDIS_CHECK_AOF ?? 'redis-check-aof';

/** Whether `program` runs here. Under CI its absence throws (the test file fails); elsewhere it says which tests skip. */
export function hasProgram(program: string, apt: string, tests: string): boolean {
  if (spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  const why = `${program} is not installed (apt-get install ${apt})`;
  if (process.env.CI) throw new Error(`${why}: the ${tests} cannot run, and under CI they must.`);
  process.stderr.write(`skipping the ${tests}: ${why}\n`);
  return false;
}

/** Whether redis-server can run here. Under CI its absence fails the test file; elsewhere the Redis tests skip. */
export const hasRedis: boolean = hasProgram(REDIS_SERVER, 'redis-server', 'Redis store tests');

export interface RedisServer {
  url: string;
  port: number;
  /** Where its AOF lives; a restart reuses it. */
  dir: string;
  /** SIGTERM (Redis flushes its AOF) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: only what reached its AOF file survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir. A durable one that refuses a cut AOF is first repaired with
   *  `redis-check-aof --fix`, as its operator would, which drops the cut transaction whole. */
  restart(): Promise<void>;
  /** How many restarts needed that repair. */
  repairs: number;
  /** SIGSTOP: it keeps its connections and takes their bytes, but answers nothing until `resume` (SIGCONT). */
  pause(): void;
  resume(): void;
}

const running = new Set<ChildProcess>();
const dirs: string[] = [];

/** A temp dir of its own, removed after the test file. */
export async function redisDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'im-redis-'));
  dirs.push(dir);
  return dir;
}

/** Stops every server this module started and removes their dirs: after each test file, or (in a global setup, where
 *  no test file is running) when its teardown calls it. */
export async function stopAllRedis(): Promise<void> {
  shared = undefined;
  await Promise.all([...running].map((p) => stopProcess(p)));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

// Imported only inside a test worker: a global setup (test/helpers/cluster-setup.ts) may not import vitest.
afterTestFile(stopAllRedis);

/** A port nobody listens on at this moment (another process may take it before us: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Sends `signal` (after SIGCONT, so a paused one acts on it) and waits for the exit. */
export function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    running.delete(proc);
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGCONT'); // a paused one would not act on SIGTERM
    proc.kill(signal);
  });
}

/** The settings under which no acknowledged message is lost or torn in a Redis crash (src/store/redis/durability.ts). */
const DURABLE = ['--appendfsync', 'always', '--aof-load-truncated', 'no'];

/** Starts redis-server on 127.0.0.1:`port` with its AOF in `dir`; resolves once it accepts connections. Stopped after the test file. */
export function launch(port: number, dir: string, extra: readonly string[]): Promise<ChildProcess> {
  // No diskless-sync delay (5 s by default): a replica started by a test syncs at once.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir, '--protected-mode', 'yes', '--repl-diskless-sync-delay', '0', ...extra];
  const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    // A guard against a hang, not a speed check.
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 20_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      running.delete(proc);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!out.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.stderr!.off('data', onData);
      proc.stdout!.resume();
      proc.stderr!.resume();
      proc.removeAllListeners('exit');
      proc.once('exit', () => running.delete(proc));
      resolve(proc);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
  });
}

/** Runs `redis-check-aof --fix` on the AOF of `dir`, answering its question yes. */
function repairAof(dir: string): void {
  const run = spawnSync(REDIS_CHECK_AOF, ['--fix', join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { input: 'y\n', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`redis-check-aof --fix failed (${run.status}): ${run.stdout}${run.stderr}`);
}

/**
 * Starts a redis-server of its own (a few tries, in case another process takes the free port first). `durable`
 * runs it with appendfsync always and aof-load-truncated no, the settings the Redis store asks for; `replicaOf` (a
 * port on 127.0.0.1) starts it as that Redis's replica.
 */
export async function startRedis(options: { durable?: boolean; replicaOf?: number } = {}): Promise<RedisServer> {
  const dir = await redisDir();
  const extra = [...(options.durable ? DURABLE : []), ...(options.replicaOf !== undefined ? ['--replicaof', '127.0.0.1', String(options.replicaOf)] : [])];
  let port = 0;
  let proc: ChildProcess | undefined;
  for (let attempt = 0; !proc; attempt++) {
    port = await freePort();
    try {
      proc = await launch(port, dir, extra);
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: async () => {
      if (proc) await stopProcess(proc);
      proc = undefined;
    },
    kill: async () => {
      if (proc) await stopProcess(proc, 'SIGKILL');
      proc = undefined;
    },
    restart: async () => {
      if (proc) await stopProcess(proc);
      try {
        proc = await launch(port, dir, extra);
      } catch (err) {
        if (!options.durable || !/redis-check-aof/.test((err as Error).message)) throw err;
        repairAof(dir);
        server.repairs++;
        proc = await launch(port, dir, extra);
      }
    },
    repairs: 0,
    pause: () => void proc?.kill('SIGSTOP'),
    resume: () => void proc?.kill('SIGCONT'),
  };
  return server;
}

let shared: Promise<RedisServer> | undefined;

/** One server for the whole test file (each store in it uses its own key prefix). */
export function sharedRedis(): Promise<RedisServer> {
  return (shared ??= startRedis());
}

/** Waits until `n` replicas of `master` are online (polled; a guard against a hang, not a speed check). */
export async function replicasOnline(master: RedisServer, n: number): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    const info = spawnSync('redis-cli', ['-p', String(master.port), 'INFO', 'replication'], { encoding: 'utf8' }).stdout ?? '';
    if ((info.match(/state=online/g) ?? []).length >= n) return;
    if (Date.now() > end) throw new Error(`${n} replica(s) of Redis on port ${master.port} not online: ${info}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
