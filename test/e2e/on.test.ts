// `on` as a real process against a real server: once per message, in order, across a server restart and its own.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { BIN, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const running = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
});

function startOn(args: string[], env: NodeJS.ProcessEnv) {
  const proc = spawn(process.execPath, [BIN, 'on', ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  running.add(proc);
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.resume();
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => (running.delete(proc), resolve(code))));
  return { stderr: () => stderr, stop: () => (proc.kill('SIGTERM'), exited) };
}

test('the command runs once per message, in order, across a server restart and a restart of `on` with its cursor', async () => {
  const data = await tempDir();
  const work = await tempDir();
  const log = join(work, 'log');
  const lines = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  let server = await startServer(data);
  const port = new URL(server.url).port;
  const client = new Client({ baseUrl: server.url });
  const { roomId } = await client.createRoom('on-e2e');
  const args = [roomId, '--after', '0', '--cursor', join(work, 'cursor.json'), '--', 'sh', '-c', 'echo "$IM_SEQ $IM_CONTENT" >> "$0/log"', work];
  const env = { IM_SERVER: server.url };
  const send = async (n: number) => void (await client.send(roomId, { sender: 'e2e', content: `m${n}` }));

  let on = startOn(args, env);
  for (const n of [1, 2, 3]) await send(n);
  await until(async () => (await lines()).length === 3, 15_000, 'three runs');

  // The server goes away (kill -9) and comes back on the same port: `on` reconnects and misses nothing.
  await server.kill9();
  server = await startServer(data, ['--port', port]);
  for (const n of [4, 5]) await send(n);
  await until(async () => (await lines()).length === 5, 15_000, 'runs after the server restart');
  expect(on.stderr()).toContain('reconnecting');

  // `on` stops between messages; what is sent meanwhile runs when it starts again with the same cursor file.
  expect(await on.stop()).toBe(0);
  for (const n of [6, 7]) await send(n);
  on = startOn(args, env);
  await until(async () => (await lines()).length >= 7, 15_000, 'runs after `on` restarted');
  await new Promise((r) => setTimeout(r, 300)); // time for a wrong repeat to show up
  expect(await on.stop()).toBe(0);
  expect(await lines()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `${n} m${n}`));
});
