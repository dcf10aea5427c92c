// Inbox read cursors in the file store: forward only, per name, durable across a reopen, removed with their room.
import { appendFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openStore } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('FileStore read cursors', () => {
  test('start at 0, move only forward, per name, and survive a reopen', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    expect(await store.getCursor(room.id, 'ann')).toBe(0);
    expect(await store.setCursor(room.id, 'ann', 5)).toBe(5);
    expect(await store.setCursor(room.id, 'ann', 3)).toBe(5);
    expect(await store.setCursor(room.id, 'bob', 2)).toBe(2);
    expect(await store.getCursor(room.id, 'ann')).toBe(5);
    await store.close();

    const again = await openStore({ dir });
    expect(await again.getCursor(room.id, 'ann')).toBe(5);
    expect(await again.getCursor(room.id, 'bob')).toBe(2);
    expect(await again.getCursor(room.id, 'cy')).toBe(0);
  });

  test('moves made at once end at the largest, whatever order they finish in', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    const seqs = [4, 9, 1, 7, 9, 2, 8];
    const results = await Promise.all(seqs.map((s) => store.setCursor(room.id, 'ann', s)));
    expect(Math.max(...results)).toBe(9);
    expect(await store.getCursor(room.id, 'ann')).toBe(9);
    await store.close();
    expect(await (await openStore({ dir })).getCursor(room.id, 'ann')).toBe(9);
  });

  test('a deleted room takes its cursor file with it, and unknown rooms are room_not_found', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    await store.setCursor(room.id, 'ann', 1);
    expect(await readdir(join(dir, 'rooms'))).toContain(`${room.id}.cursors.json`);
    await store.deleteRoom(room.id);
    expect((await readdir(join(dir, 'rooms'))).filter((f) => f.startsWith(room.id))).toEqual([]);
    await expect(store.getCursor(room.id, 'ann')).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(store.setCursor(room.id, 'ann', 1)).rejects.toMatchObject({ code: 'room_not_found' });
  });

  test('a move appends one line instead of rewriting every name; the file is rewritten whole once lines outnumber names by 64', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    const path = join(dir, 'rooms', `${room.id}.cursors.json`);
    for (let i = 0; i < 500; i++) await store.setCursor(room.id, `name-${i}`, 1);
    const lines = async () => (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    const before = await lines();
    expect(await store.setCursor(room.id, 'name-7', 2)).toBe(2);
    expect(await lines()).toEqual([...before, '{"name-7":2}']);
    // 500 names: at most 564 lines, then one object holds them all.
    for (let seq = 3; (await lines()).length > 1; seq++) await store.setCursor(room.id, 'name-7', seq);
    expect((await lines()).length).toBe(1);
    expect(Object.keys(JSON.parse((await lines())[0]!) as object)).toHaveLength(500);
    await store.close();
    const again = await openStore({ dir });
    expect((await again.exportRoom(room.id))?.cursors).toMatchObject({ 'name-0': 1, 'name-499': 1, 'name-7': expect.any(Number) });
  });

  test('a line torn by a crash is ignored (it was never acknowledged) and the next move rewrites the file', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    await store.setCursor(room.id, 'ann', 3);
    await store.setCursor(room.id, 'bob', 4);
    await store.close();
    const path = join(dir, 'rooms', `${room.id}.cursors.json`);
    await appendFile(path, '{"ann":9');
    const again = await openStore({ dir });
    expect(await again.getCursor(room.id, 'ann')).toBe(3);
    expect(await again.setCursor(room.id, 'cy', 1)).toBe(1);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ ann: 3, bob: 4, cy: 1 });
    // A line that is not the last one is damage, not a torn append: refused, the file left as it is.
    await again.close();
    await appendFile(path, 'oops\n{"ann":5}\n');
    const third = await openStore({ dir });
    await expect(third.getCursor(room.id, 'ann')).rejects.toMatchObject({ code: 'corrupt' });
  });
});
