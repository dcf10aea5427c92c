// The data-folder lock: held while a store is open, released on any failed open, stale owners reclaimed.
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FileStore } from '../../../src/store/file/file-store.js';
import { openStore } from '../../helpers/app.js';
import { tempDir } from '../../helpers/temp-dir.js';

const openError = (dir: string) => new FileStore({ dir, warn: () => {} }).open().then(
  () => undefined,
  (e: unknown) => e,
);

/** A live process that is not a server, with its start time from /proc (field 22 of /proc/PID/stat). */
async function otherProcess() {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return { pid: child.pid!, start, stop };
}

describe('data-folder lock', () => {
  test('an open that fails (a corrupt catalog) releases the lock: the next open fails the same way, not as locked', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    await store.createRoom({ name: 'r' });
    await store.close();
    await writeFile(join(dir, 'rooms.json'), '{"version":1,"rooms":[');

    for (let i = 0; i < 2; i++) expect(await openError(dir)).toMatchObject({ code: 'corrupt' });
    await expect(readFile(join(dir, 'server.lock'))).rejects.toThrow(/ENOENT/);
  });

  test.each([
    ['after a clean stop (state saved)', false],
    ['after a crash (no saved state: checked in the background)', true],
  ])('a corrupt log %s fails only its own room, with the reason, and is never changed', async (_name, crashed) => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const [bad, good] = await Promise.all(['bad', 'good'].map((name) => store.createRoom({ name })));
    await store.append(bad!.id, [{ sender: 's', content: 'x' }]);
    await store.append(good!.id, [{ sender: 's', content: 'y' }]);
    await store.close();
    if (crashed) await rm(join(dir, 'log-states.json'));
    const log = join(dir, 'rooms', `${bad!.id}.jsonl`);
    await writeFile(log, 'not json\n');
    await writeFile(join(dir, 'rooms', `${bad!.id}.idx`), Buffer.alloc(8));

    const warnings: string[] = [];
    const again = await openStore({ dir, warn: (m) => warnings.push(m) });
    expect((await again.listRooms()).map((r) => r.name).sort()).toEqual(['bad', 'good']);
    for (let i = 0; i < 2; i++) {
      await expect(again.read(bad!.id, { limit: 10 })).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining(log) });
      await expect(again.append(bad!.id, [{ sender: 's', content: 'z' }])).rejects.toMatchObject({ code: 'corrupt' });
    }
    expect((await again.read(good!.id, { limit: 10 })).map((m) => m.content)).toEqual(['y']);
    expect(await readFile(log, 'utf8')).toBe('not json\n');
    if (crashed) expect(warnings.join('\n')).toContain(`room ${bad!.id}: ${log}: the first line is not a message with a seq`);
  });

  test.each([
    ['a process that is gone', async () => ({ text: '999999999 12345\n', stop: async () => {} })],
    ['a reused pid (another process, another start time)', async () => {
      const p = await otherProcess();
      return { text: `${p.pid} ${Number(p.start) + 1}\n`, stop: p.stop };
    }],
    ['an empty lock', async () => ({ text: '', stop: async () => {} })],
  ])('a lock left by %s is taken over', async (_name, make) => {
    const dir = await tempDir();
    const { text, stop } = await make();
    try {
      await writeFile(join(dir, 'server.lock'), text);
      const store = await openStore({ dir });
      expect((await readFile(join(dir, 'server.lock'), 'utf8')).split(' ')[0]).toBe(String(process.pid));
      await store.close();
      await expect(readFile(join(dir, 'server.lock'))).rejects.toThrow(/ENOENT/);
    } finally {
      await stop();
    }
  });

  test.each([
    ['with its start time', (p: { pid: number; start: string }) => `${p.pid} ${p.start}\n`],
    ['in the older format (pid only)', (p: { pid: number }) => `${p.pid}\n`],
  ])('a lock held by a live process %s is refused as locked, and left in place', async (_name, format) => {
    const dir = await tempDir();
    const p = await otherProcess();
    try {
      await writeFile(join(dir, 'server.lock'), format(p));
      expect(await openError(dir)).toMatchObject({ code: 'locked', message: expect.stringContaining(`pid ${p.pid}`) });
      expect(await readFile(join(dir, 'server.lock'), 'utf8')).toBe(format(p));
    } finally {
      await p.stop();
    }
  });
});

describe('a room that cannot be opened leaves nothing open', () => {
  test('a room whose index cannot be opened fails its calls without leaking its log handle; the others work', async () => {
    const { mkdir, readdir } = await import('node:fs/promises');
    const dir = await tempDir();
    const store = await openStore({ dir });
    const rooms = await Promise.all(['a', 'b', 'c'].map((name) => store.createRoom({ name })));
    await store.close();
    const idx = join(dir, 'rooms', `${rooms[1]!.id}.idx`);
    await rm(idx);
    await mkdir(idx); // opening it for writing fails with EISDIR
    const fds = async () => (await readdir('/proc/self/fd')).length;
    const before = await fds();
    const again = new FileStore({ dir, warn: () => {} });
    await again.open();
    for (let i = 0; i < 3; i++) await expect(again.read(rooms[1]!.id, { limit: 1 })).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await again.read(rooms[0]!.id, { limit: 1 })).toEqual([]);
    await again.close();
    expect(await fds()).toBe(before);
    await expect(readFile(join(dir, 'server.lock'))).rejects.toThrow(/ENOENT/);
  });
});
