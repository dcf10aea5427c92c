// Starts the benchmark's server processes (ours, the ceiling, peers) on 127.0.0.1 and stops them.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Proc {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the "listening" line. */
  startedInMs: number;
  stop(): Promise<void>;
}

const all = new Set<ChildProcess>();
process.on('exit', () => all.forEach((c) => c.kill('SIGKILL')));

export function startProcess(command: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  all.add(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (!m) return;
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      resolve({
        url: m[1] ?? '',
        child,
        startedInMs: performance.now() - t0,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => (all.delete(child), done()));
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** `root`: another checkout's built tree (its bin/ and dist/), to measure a baseline build in the same run; `nodeArgs`
 *  go to node itself (e.g. --cpu-prof). */
export const startOurs = (dataDir: string, extra: string[] = [], root = ROOT, nodeArgs: string[] = []) =>
  startProcess(process.execPath, [...nodeArgs, join(root, 'bin/im-for-agents.js'), 'serve', '--port', '0', '--data', dataDir, '--no-open', ...extra], /listening on (http:\/\/\S+)/);

/** A reference server from test/bench: `ceiling-server.ts` (bare node:http) or `hono-floor-server.ts` (bare Hono). */
export const startReference = (file: 'ceiling-server.ts' | 'hono-floor-server.ts', nodeArgs: string[] = []) =>
  startProcess(process.execPath, [...nodeArgs, '--import', 'tsx', `test/bench/${file}`], /listening on (http:\/\/\S+)/);

/** Resident set size of a process in MB, from /proc. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}
