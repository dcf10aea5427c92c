// Edges a real server process meets: oversize bodies from clients that write before reading, SIGTERM on keep-alive
// sockets, a start that fails, flags that make no sense.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { runCli, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const hasPython = await run('python3', ['--version']).then(() => true, () => false);
if (!hasPython && process.env.CI) throw new Error('python3 is required under CI (.ci/run installs it)');

const PY_POST = `
import json, sys, urllib.request, urllib.error
url, n = sys.argv[1], int(sys.argv[2])
body = json.dumps({"sender": "py", "content": "x" * n}).encode()
req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req) as r:
        print(r.status, r.read().decode()[:200])
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode()[:300])
`;

describe('edges on a real server', () => {
  test.skipIf(!hasPython)('Python urllib reads the 413 for a body over --max-body, however large (up to the drain bound)', async () => {
    const server = await startServer(await tempDir());
    const { roomId } = await new Client({ baseUrl: server.url }).createRoom('py');
    for (const size of [2_000_000, 20_000_000]) {
      const { stdout } = await run('python3', ['-c', PY_POST, `${server.url}/agent/rooms/${roomId}/messages`, String(size)], { timeout: 30_000 });
      expect(stdout).toMatch(/^413 \{"error":\{"code":"body_too_large"/);
    }
    // A body that fits still works on the same server.
    const { stdout } = await run('python3', ['-c', PY_POST, `${server.url}/agent/rooms/${roomId}/messages`, '10']);
    expect(stdout).toMatch(/^201 /);
  }, 90_000);

  test('SIGTERM: a request in flight is answered and stored; the next one on the same keep-alive socket gets 503 shutting_down', async () => {
    const server = await startServer(await tempDir());
    const { roomId } = await new Client({ baseUrl: server.url }).createRoom('drain');
    const { hostname, port } = new URL(server.url);
    const body = JSON.stringify({ sender: 'a', content: 'in flight at SIGTERM' });
    const second = JSON.stringify({ sender: 'a', content: 'after SIGTERM' });
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const head = (b: string) => `POST /agent/rooms/${roomId}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n`;
    socket.write(head(body) + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    const stopped = server.stop();
    await new Promise((r) => setTimeout(r, 200));
    socket.write(body.slice(10) + head(second) + second);
    await closed;
    expect(await stopped).toBe(0);
    const answers = answer.split(/(?=HTTP\/1\.1 )/);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 201/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(answers[1]).toMatch(/"code":"shutting_down"/);
    expect(answers[1]).toMatch(/connection: close/i);
  });

  test('a start that fails (port in use) stores no admin token digest, so the next start makes and shows one', async () => {
    const dir = await tempDir();
    const blocker = createTcpServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      // 0.0.0.0 turns auth on; the port is taken on 127.0.0.1, so the bind fails and nothing listens on 0.0.0.0.
      const failed = await runCli(['serve', '--host', '0.0.0.0', '--port', String(port), '--data', dir, '--no-open']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/already in use/);
      expect(failed.stdout).not.toMatch(/admin token/);
      expect(existsSync(join(dir, 'admin-token.sha256'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  test('a start that fails (port in use) takes away what it made in the data folder, and only that', async () => {
    const root = await tempDir();
    const fresh = join(root, 'new', 'data');
    const used = join(root, 'used');
    await mkdir(join(used, 'notes'), { recursive: true });
    await writeFile(join(used, 'notes', 'keep.txt'), 'mine');
    await writeFile(join(used, 'keep.json'), '{}');
    const blocker = createTcpServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      for (const dir of [fresh, used]) {
        const failed = await runCli(['serve', '--port', String(port), '--data', dir, '--no-open']);
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/already in use/);
      }
      expect(await readdir(root)).toEqual(['used']);
      expect((await readdir(used)).sort()).toEqual(['keep.json', 'notes']);
      expect(await readFile(join(used, 'notes', 'keep.txt'), 'utf8')).toBe('mine');
    } finally {
      blocker.close();
    }
    // The same folders then start as new.
    const server = await startServer(fresh);
    expect(existsSync(join(fresh, 'rooms'))).toBe(true);
    await server.stop();
  });

  test.each([
    [['--retain-days', '0'], /--retain-days must be a whole number of 1 or more/],
    [['--retain-messages', '0'], /--retain-messages must be a whole number of 1 or more/],
    [['--port', '99999'], /--port must be a port number from 0 to 65535/],
  ])('%s is a usage error', async (args, says) => {
    const result = await runCli(['serve', '--data', await tempDir(), '--no-open', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(says);
  });
});
