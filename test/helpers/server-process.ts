// Runs the real built CLI as a server process on 127.0.0.1, port 0, and stops it after each test.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEachTest, afterTestFile } from './hooks.js';

export const BIN = fileURLToPath(new URL('../../bin/im-for-agents.js', import.meta.url));

export interface ServerProcess {
  url: string;
  proc: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcessWithoutNullStreams>();
/** Servers shared by a file's tests (started in beforeAll): stopped after all of them, not after each. */
const runningForAll = new Set<ChildProcessWithoutNullStreams>();

afterEachTest(async () => {
  await Promise.all([...running].map((p) => exited(p, 'SIGKILL')));
});
afterTestFile(async () => {
  await Promise.all([...runningForAll].map((p) => exited(p, 'SIGKILL')));
});

function exited(proc: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      running.delete(proc);
      runningForAll.delete(proc);
      return resolve(proc.exitCode);
    }
    proc.once('exit', (code) => {
      running.delete(proc);
      runningForAll.delete(proc);
      resolve(code);
    });
    proc.kill(signal);
  });
}

/** `openFiles` runs the server under that open-file limit (`ulimit -n`); `forAll` keeps it until the file's tests are
 *  all done (for a server started in beforeAll), where others are stopped after each test. */
export function startServer(
  dataDir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: { openFiles?: number; forAll?: boolean } = {},
): Promise<ServerProcess> {
  const argv = [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--no-open', ...args];
  const [command, commandArgs] =
    options.openFiles === undefined
      ? [process.execPath, argv]
      : ['bash', ['-c', `ulimit -n ${options.openFiles} && exec "$0" "$@"`, process.execPath, ...argv]];
  const proc = spawn(command, commandArgs, { env: { ...process.env, CI: '1', NO_COLOR: '1', ...env } });
  (options.forAll ? runningForAll : running).add(proc);
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000); // a guard against a hang, not a speed check: the machine may be busy
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      resolve({
        url: m[1],
        proc,
        stderr: () => err,
        kill9: async () => void (await exited(proc, 'SIGKILL')),
        stop: () => exited(proc, 'SIGTERM'),
      });
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion (input goes to its stdin). */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...options.env } });
  running.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.end(options.input ?? '');
  const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 15_000);
  return new Promise((resolve) =>
    proc.once('close', (code) => {
      clearTimeout(timer);
      running.delete(proc);
      resolve({ code, stdout, stderr });
    }),
  );
}
