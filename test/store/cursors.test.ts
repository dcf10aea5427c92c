// Inbox read cursors in the file store: forward only, per name, durable across a reopen, removed with their room.
import { readdir } from 'node:fs/promises';
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
});
