// The CLI against a real server: the built binary against a server process (create, send from args and stdin, tail,
// tail -f, port in use, a second server on a folder), and in-process against a real socket (wait, auth, no server).
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { nodeFetch } from '../../src/client/node-fetch.js';
import { cli, ndjson, startCli } from '../helpers/cli.js';
import { inProcessServer } from '../helpers/in-process-server.js';
import { BIN, runCli, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('CLI end to end', () => {
  test('room create, send from args and stdin, tail, room list', async () => {
    const server = await startServer(await tempDir());
    const env = { IM_SERVER: server.url, IM_SENDER: 'script-agent' };
    const created = await runCli(['room', 'create', 'x'], { env });
    expect(created.code).toBe(0);
    const room = created.stdout.trim();
    expect(room).toMatch(/^[a-z2-7]{26}$/);
    expect(await runCli(['send', room, 'done'], { env })).toMatchObject({ code: 0, stdout: '1\n' });
    expect(await runCli(['send', room], { env, input: 'from a pipe\n' })).toMatchObject({ code: 0, stdout: '2\n' });
    const tail = await runCli(['tail', room, '--json'], { env });
    expect(tail.stdout.trim().split('\n').map((l) => JSON.parse(l))).toMatchObject([
      { seq: 1, sender: 'script-agent', content: 'done' },
      { seq: 2, content: 'from a pipe' },
    ]);
    const list = await runCli(['room', 'list', '--json'], { env });
    expect(ndjson(list.stdout)).toMatchObject([{ id: room, name: 'x', messageCount: 2 }]);
  });

  test('tail -f prints messages as they arrive', async () => {
    const server = await startServer(await tempDir());
    const env = { ...process.env, IM_SERVER: server.url, NO_COLOR: '1' };
    const room = (await runCli(['room', 'create', 'live'], { env })).stdout.trim();
    await runCli(['send', room, 'old'], { env });
    const tail = spawn(process.execPath, [BIN, 'tail', '-f', '-n', '1', room], { env });
    let out = '';
    const waiters: (() => void)[] = [];
    tail.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      waiters.splice(0).forEach((w) => w());
    });
    const seen = async (text: string) => {
      while (!out.includes(text)) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    try {
      await seen('old');
      await runCli(['send', room, 'fresh', 'news', '--as', 'bob'], { env });
      await seen('fresh news');
      expect(out).toMatch(/#1 .* cli: old\n#2 .* bob: fresh news\n/);
    } finally {
      tail.kill();
    }
  });

  test('wait blocks until the next message, prints it, exits 0; exits 124 at --timeout', async () => {
    const server = await inProcessServer(await tempDir());
    const env = { IM_SERVER: server.url };
    const room = (await cli(['room', 'create', 'w'], undefined, { env })).stdout.trim();
    // The sends go once wait's long-poll is on its way (it waits past the newest message it saw before it).
    let polling: () => void = () => {};
    const polled = new Promise<void>((resolve) => (polling = resolve));
    const http = nodeFetch();
    const watched: CliIo['fetch'] = (input, init) => (/[?&]wait=/.test(input) && polling(), http(input, init));
    const waiting = startCli(['wait', room, '--from', 'worker', '--json'], watched, { env });
    await polled;
    await cli(['send', room, 'noise', '--as', 'other'], undefined, { env });
    await cli(['send', room, 'result ready', '--as', 'worker'], undefined, { env });
    expect(await waiting.done).toBe(0);
    expect(JSON.parse(waiting.output.stdout)).toMatchObject({ sender: 'worker', content: 'result ready' });
    expect((await cli(['wait', room, '--timeout', '0.3'], undefined, { env })).code).toBe(124);
  });

  test('a port in use is one clear line naming the port and --port, with a non-zero exit', async () => {
    const dir = await tempDir();
    const server = await startServer(dir);
    const port = new URL(server.url).port;
    const r = await runCli(['serve', '--port', port, '--data', await tempDir(), '--no-open']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`error: Port ${port} on 127.0.0.1 is already in use. Pick another with --port (--port 0 takes any free one).`]);
  });

  test('no server running is said as such', async () => {
    const r = await cli(['room', 'list', '--server', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No im-for-agents server answers at http:\/\/127.0.0.1:9/);
  });
});

describe('CLI end to end with auth on', () => {
  test('--token on loopback turns auth on; the CLI uses --key / IM_KEY', async () => {
    const admin = 'ima_cli-test-admin-token-123';
    const server = await startServer(await tempDir(), ['--token', admin]); // the flag, as a person starts it
    const env = { IM_SERVER: server.url };
    const denied = await cli(['room', 'create', 'x'], undefined, { env });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/needs a key: .* With the CLI: --key KEY or IM_KEY\.\n$/);
    const created = await cli(['room', 'create', 'x', '--json', '--key', admin], undefined, { env });
    const room = JSON.parse(created.stdout) as { roomId: string; keys: { write: string; read: string } };
    expect(await cli(['send', room.roomId, 'hi'], undefined, { env: { ...env, IM_KEY: room.keys.write } })).toMatchObject({ code: 0, stdout: '1\n' });
    const readOnly = await cli(['send', room.roomId, 'hi'], undefined, { env: { ...env, IM_KEY: room.keys.read } });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/read key; posting needs its write key/);
    const tail = await cli(['tail', room.roomId, '--json', '--key', room.keys.read], undefined, { env });
    expect(JSON.parse(tail.stdout)).toMatchObject({ content: 'hi' });
  });

  test('a second server on the same data folder is refused with the first one named', async () => {
    const dir = await tempDir();
    const first = await startServer(dir);
    const second = await runCli(['serve', '--port', '0', '--data', dir, '--no-open']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`Another server \\(pid ${first.proc.pid}\\) is using the data folder`));
  });
});
