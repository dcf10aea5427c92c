// The room catalog as a lowdb snapshot plus a journal: changes survive a crash, a torn last line is dropped, a
// garbled one refuses the start, the journal is folded in at its size limit and at a clean close.
import { appendFile, cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import type { FileStore } from '../../../src/store/file/file-store.js';
import { openStore } from '../../helpers/app.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** The data folder as a crash would leave it now: a copy taken while the store is open, without its lock. */
async function crashCopy(dir: string): Promise<string> {
  const copy = await tempDir();
  await cp(dir, copy, { recursive: true });
  await rm(join(copy, 'server.lock'), { force: true });
  return copy;
}

async function changeEverything(store: FileStore) {
  const rooms = await Promise.all(Array.from({ length: 6 }, (_, i) => store.createRoom({ name: `r${i}`, keyHashes: { write: `w${i}`, read: `r${i}` } })));
  await store.updateRoom(rooms[0]!.id, { name: 'renamed', topic: 'a topic', settings: { loopGuard: 5 } });
  await store.addAgent(rooms[1]!.id, 'planner', 'k-planner');
  await store.addAgent(rooms[1]!.id, 'coder', 'k-coder');
  await store.removeAgent(rooms[1]!.id, 'planner');
  await store.setKeys(rooms[2]!.id, { write: 'w2b', read: 'r2b' });
  await store.deleteRoom(rooms[3]!.id);
  return rooms;
}

describe('catalog journal', () => {
  test('every acknowledged change is there after a crash (snapshot + journal, no clean close)', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const rooms = await changeEverything(store);
    const before = await store.listRooms();
    const again = await openStore({ dir: await crashCopy(dir) });
    expect(await again.listRooms()).toEqual(before);
    expect(before.map((r) => r.id)).not.toContain(rooms[3]!.id);
    expect(await again.findKey('w2b')).toEqual({ roomId: rooms[2]!.id, access: 'write' });
    expect(await again.findKey('w2')).toBeUndefined();
    expect(await again.listAgents(rooms[1]!.id)).toEqual([expect.objectContaining({ name: 'coder' })]);
    expect(await again.findKey('k-planner')).toBeUndefined();
    expect((await again.getRoom(rooms[0]!.id))).toMatchObject({ name: 'renamed', topic: 'a topic', settings: { loopGuard: 5 } });
  });

  test('a torn last line (a write cut off by the crash, never acknowledged) is dropped with a warning', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    const room = await store.createRoom({ name: 'kept' });
    const copy = await crashCopy(dir);
    await appendFile(join(copy, 'rooms.journal'), '{"put":{"id":"half","na');
    const warnings: string[] = [];
    const again = await openStore({ dir: copy, warn: (m) => warnings.push(m) });
    expect((await again.listRooms()).map((r) => r.id)).toEqual([room.id]);
    expect(warnings.join('\n')).toMatch(/rooms\.journal: dropped an incomplete last line of 23 bytes/);
    // Later changes start on a line of their own.
    const next = await again.createRoom({ name: 'next' });
    await again.close();
    expect((await (await openStore({ dir: copy })).listRooms()).map((r) => r.id).sort()).toEqual([room.id, next.id].sort());
  });

  test('a garbled line before the last refuses the open and changes no file', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir });
    await store.createRoom({ name: 'a' });
    await store.createRoom({ name: 'b' });
    const copy = await crashCopy(dir);
    const journal = join(copy, 'rooms.journal');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[0] = lines[0]!.slice(0, 10) + 'X' + lines[0]!.slice(11);
    await writeFile(journal, lines.join('\n'));
    const text = await readFile(journal, 'utf8');
    await expect(openStore({ dir: copy })).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/rooms\.journal is not valid at line 1\. It was not changed\./) });
    expect(await readFile(journal, 'utf8')).toBe(text);
  });

  test('the journal is folded into rooms.json once it holds 1,000 changes, and replaying it again changes nothing', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir, maxRooms: 5000 });
    const journal = join(dir, 'rooms.journal');
    for (let i = 0; i < 999; i++) await store.createRoom({ name: `r${i}` });
    const full = await readFile(journal);
    expect(full.toString().split('\n')).toHaveLength(1000); // 999 lines and the empty end
    await store.createRoom({ name: 'the 1000th' });
    // Folded right after that change is acknowledged.
    await vi.waitFor(async () => expect((await stat(journal)).size).toBe(0));
    expect(JSON.parse(await readFile(join(dir, 'rooms.json'), 'utf8')).rooms).toHaveLength(1000);
    // A crash between writing the snapshot and emptying the journal: the old journal is replayed on top of it.
    const copy = await crashCopy(dir);
    await writeFile(join(copy, 'rooms.journal'), full);
    expect((await (await openStore({ dir: copy })).listRooms()).map((r) => r.id).sort()).toEqual((await store.listRooms()).map((r) => r.id).sort());
  }, 60_000);
});
