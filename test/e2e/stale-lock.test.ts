// A restart right after kill -9 while the killed server is still a zombie (its parent has not reaped it) takes the lock over.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BIN, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const parents: (() => void)[] = [];
afterEach(() => parents.splice(0).forEach((stop) => stop()));

const procState = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
};

/** A server whose parent never reaps it: bash starts it in the background, then becomes `sleep`, which never waits. */
async function serverWithCarelessParent(dir: string): Promise<{ pid: number; url: string }> {
  const script = `"$0" "$@" & echo "server pid $!"; exec sleep 120`;
  const parent = spawn('bash', ['-c', script, process.execPath, BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', dir, '--no-open'], {
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  parents.push(() => parent.kill('SIGKILL'));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server: ${out}`)), 15_000);
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const pid = /server pid (\d+)/.exec(out)?.[1];
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (pid && url) {
        clearTimeout(timer);
        resolve({ pid: Number(pid), url });
      }
    });
  });
}

describe('stale data-folder lock', () => {
  test('restart after kill -9 while the old server is a zombie', async () => {
    const dir = await tempDir();
    const old = await serverWithCarelessParent(dir);
    const res = await fetch(`${old.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"kept"}' });
    expect(res.status).toBe(201);
    expect((await readFile(join(dir, 'server.lock'), 'utf8')).split(' ')[0]).toBe(String(old.pid));

    process.kill(old.pid, 'SIGKILL');
    for (let i = 0; i < 100 && (await procState(old.pid)) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await procState(old.pid)).toBe('Z'); // a zombie: kill(pid, 0) still succeeds for it

    const server = await startServer(dir);
    const rooms = ((await (await fetch(`${server.url}/agent/rooms`)).json()) as { rooms: { name: string }[] }).rooms;
    expect(rooms.map((r) => r.name)).toEqual(['kept']);
    expect((await readFile(join(dir, 'server.lock'), 'utf8')).split(' ')[0]).toBe(String(server.proc.pid));
    expect(await server.stop()).toBe(0);
  });
});
