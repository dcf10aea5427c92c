// What one CLI call costs a script (send, wait, tail): wall time and peak memory of `node bin/im-for-agents.js` against the
// same request from a one-shot node:http script, and against `npx`; median of interleaved runs.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startOurs } from './processes.js';

export interface CliRow {
  command: string;
  how: string;
  'wall ms (median)': number;
  'of one-shot': string;
  'CPU ms (median)': number;
  'peak MB (median)': number;
  'peak MB (max)': number;
  runs: number;
}

const PEAK = join(ROOT, 'test/bench/peak-rss.cjs');
const BIN = join(ROOT, 'bin/im-for-agents.js');

interface Run {
  ms: number;
  /** User + system time of every node process started, summed. */
  cpuMs: number;
  peakKb: number;
}

/** Runs a command to its end: its wall time, and the CPU time and largest peak RSS of the node processes it started. */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'im-cli-bench-'));
  const file = join(dir, 'peak');
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, PEAK_RSS_FILE: file }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${c}: ${err}`))));
  });
  const ms = performance.now() - t0;
  const procs = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => line.split(' ').map(Number));
  await rm(dir, { recursive: true, force: true });
  return { ms, cpuMs: procs.reduce((sum, [, us]) => sum + us! / 1000, 0), peakKb: Math.max(...procs.map(([kb]) => kb!)) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * `url` is a running server with a room `roomId` that holds at least 20 messages. Every (command, way) pair runs
 * once per round, in turn, so the machine's drift hits them alike; `npx: false` leaves the npx rows out.
 */
export async function measureCliStart(url: string, roomId: string, runs: number, options: { npx?: boolean } = {}): Promise<CliRow[]> {
  const body = JSON.stringify({ sender: 'bench', content: 'hi' });
  const history = `${url}/agent/rooms/${roomId}/history`;
  const commands: { command: string; cli: string[]; oneShot: string[] }[] = [
    { command: 'send', cli: ['send', roomId, 'hi', '--as', 'bench'], oneShot: ['POST', `${url}/agent/rooms/${roomId}/messages`, body] },
    { command: 'wait (message already there)', cli: ['wait', roomId, '--after', '0'], oneShot: ['GET', `${history}?after=0&wait=60&limit=1000`] },
    { command: 'tail -n 20', cli: ['tail', roomId, '-n', '20'], oneShot: ['GET', `${history}?limit=20`] },
  ];
  const ways: { how: string; run: (c: (typeof commands)[number]) => Promise<Run> }[] = [
    { how: 'one-shot node:http script', run: (c) => timed(process.execPath, ['--require', PEAK, join(ROOT, 'test/bench/one-shot.mjs'), ...c.oneShot], {}) },
    { how: 'node bin/im-for-agents.js', run: (c) => timed(process.execPath, ['--require', PEAK, BIN, ...c.cli], { IM_SERVER: url, NO_COLOR: '1' }) },
  ];
  if (options.npx !== false) {
    // npx starts npm (itself a node process), which finds the bin and starts it: every node process gets the preload.
    ways.push({ how: 'npx --no-install im-for-agents', run: (c) => timed('npx', ['--no-install', 'im-for-agents', ...c.cli], { IM_SERVER: url, NO_COLOR: '1', NODE_OPTIONS: `--require=${PEAK}` }) });
  }
  const results = new Map<string, Run[]>();
  for (let i = 0; i < runs; i++) {
    for (const c of commands) {
      for (const w of ways) {
        const key = `${c.command}\0${w.how}`;
        results.set(key, [...(results.get(key) ?? []), await w.run(c)]);
      }
    }
  }
  const rows: CliRow[] = [];
  for (const c of commands) {
    const reference = median(results.get(`${c.command}\0${ways[0]!.how}`)!.map((r) => r.ms));
    for (const w of ways) {
      const rs = results.get(`${c.command}\0${w.how}`)!;
      const ms = median(rs.map((r) => r.ms));
      rows.push({
        command: c.command,
        how: w.how,
        'wall ms (median)': Math.round(ms),
        'of one-shot': `${(ms / reference).toFixed(2)}x`,
        'CPU ms (median)': Math.round(median(rs.map((r) => r.cpuMs))),
        'peak MB (median)': Math.round(median(rs.map((r) => r.peakKb)) / 102.4) / 10,
        'peak MB (max)': Math.round(Math.max(...rs.map((r) => r.peakKb)) / 102.4) / 10,
        runs: rs.length,
      });
    }
  }
  return rows;
}

/** A server with a room of 20 messages, for the rows above. */
export async function withCliRoom<T>(dataDir: string, use: (url: string, roomId: string) => Promise<T>): Promise<T> {
  const server = await startOurs(dataDir);
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const { roomId } = (await post('/agent/rooms', { name: 'cli-bench' })) as { roomId: string };
    await post(`/agent/rooms/${roomId}/messages`, Array.from({ length: 20 }, (_, i) => ({ sender: `agent-${i % 3}`, content: `message ${i}` })));
    return await use(server.url, roomId);
  } finally {
    await server.stop();
  }
}
