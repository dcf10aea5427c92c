// The CLI's lifecycle commands against a real server with auth on: agents, redaction, keys, deletion, on disk and after
// a restart (the CLI in-process, the server on a real socket); the built CLI as a process for tail -f (the smoke test).
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { cli, ndjson } from '../helpers/cli.js';
import { filesContaining } from '../helpers/grep-dir.js';
import { inProcessServer } from '../helpers/in-process-server.js';
import { BIN, runCli, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'ima_cli-lifecycle-token-0123456789';
const SECRET = 'AKIA-CLI-LIFECYCLE-SECRET-42';

test('agent add, a signed post, redact by that agent, rotate-keys, delete: also on disk and after a restart', async () => {
  const dir = await tempDir();
  let server = await inProcessServer(dir, { token: TOKEN });
  const admin = () => ({ IM_SERVER: server.url, IM_KEY: TOKEN });
  const room = (await cli(['room', 'create', 'ops'], undefined, { env: admin() })).stdout.trim();
  const other = (await cli(['room', 'create', 'keep'], undefined, { env: admin() })).stdout.trim();

  const added = await cli(['agent', 'add', room, 'deployer'], undefined, { env: admin() });
  expect(added.code).toBe(0);
  const agentKey = added.stdout.trim();
  expect(agentKey).toMatch(/^imag_/);
  const asAgent = { IM_SERVER: server.url, IM_KEY: agentKey };
  expect(await cli(['send', room, 'deploying'], undefined, { env: asAgent })).toMatchObject({ code: 0, stdout: '1\n' });
  expect(await cli(['send', room, `token=${SECRET}`], undefined, { env: asAgent })).toMatchObject({ code: 0, stdout: '2\n' });
  expect(await cli(['send', other, `also ${SECRET} elsewhere`], undefined, { env: admin() })).toMatchObject({ code: 0 });
  expect(await filesContaining(dir, SECRET)).toHaveLength(2);

  // The agent takes back its own message; it may not touch the admin's.
  const redacted = await cli(['redact', room, '2', '--json'], undefined, { env: asAgent });
  expect(redacted.code).toBe(0);
  expect(JSON.parse(redacted.stdout)).toMatchObject({ seq: 2, sender: 'deployer', verified: true, content: '[redacted]', redacted: true });
  expect(await cli(['redact', other, '1'], undefined, { env: asAgent })).toMatchObject({ code: 1 });
  expect(await cli(['redact', other, '1'], undefined, { env: admin() })).toMatchObject({ code: 0 });
  expect(await filesContaining(dir, SECRET)).toEqual([]);

  const rotated = await cli(['room', 'rotate-keys', room, '--json'], undefined, { env: admin() });
  const { keys } = JSON.parse(rotated.stdout) as { keys: { write: string; read: string } };
  expect((await cli(['agent', 'list', room], undefined, { env: { IM_SERVER: server.url, IM_KEY: keys.read } })).stdout).toMatch(/^deployer {2}/);
  expect(await cli(['agent', 'rm', room, 'deployer'], undefined, { env: { IM_SERVER: server.url, IM_KEY: keys.write } })).toMatchObject({ code: 0 });
  const revoked = await cli(['send', room, 'still here?'], undefined, { env: asAgent });
  expect(revoked.code).toBe(1);
  expect(revoked.stderr).toMatch(/^error: /);

  await server.stop();
  expect(await filesContaining(dir, SECRET)).toEqual([]);
  server = await inProcessServer(dir, { token: TOKEN });
  const tail = await cli(['tail', room, '--json'], undefined, { env: admin() });
  expect(tail.stdout.trim().split('\n').map((l) => JSON.parse(l).content)).toEqual(['deploying', '[redacted]']);

  // No terminal to ask on (stdin a pipe): delete needs --yes.
  expect(await cli(['room', 'delete', room], undefined, { env: admin(), input: '' })).toMatchObject({ code: 2 });
  expect(await cli(['room', 'delete', room, '--yes'], undefined, { env: admin() })).toMatchObject({ code: 0, stderr: `Deleted room ${room}.\n` });
  expect((await readdir(join(dir, 'rooms'))).filter((f) => f.startsWith(room))).toEqual([]);
  expect(ndjson<{ id: string }>((await cli(['room', 'list', '--json'], undefined, { env: admin() })).stdout).map((r) => r.id)).toEqual([other]);
});

test('tail -f says on stderr when a message it printed is redacted, and ends when the room is deleted', async () => {
  const server = await startServer(await tempDir());
  const env = { ...process.env, IM_SERVER: server.url, NO_COLOR: '1' };
  const room = (await runCli(['room', 'create', 'watched'], { env })).stdout.trim();
  await runCli(['send', room, `oops ${SECRET}`], { env });
  const tail = spawn(process.execPath, [BIN, 'tail', '-f', room], { env });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  tail.stdout.on('data', (d: Buffer) => ((out += d.toString()), wake()));
  tail.stderr.on('data', (d: Buffer) => ((err += d.toString()), wake()));
  const exited = new Promise<number | null>((resolve) => tail.once('exit', resolve));
  const seen = async (where: () => string, text: string) => {
    while (!where().includes(text)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  try {
    await seen(() => out, SECRET);
    expect(await runCli(['redact', room, '1'], { env })).toMatchObject({ code: 0 });
    await seen(() => err, 'message #1 was redacted\n');
    expect(await runCli(['room', 'delete', room, '--yes'], { env })).toMatchObject({ code: 0 });
    await seen(() => err, 'the room was deleted\n');
    expect(await exited).toBe(0);
  } finally {
    tail.kill();
  }
}, 60_000);
