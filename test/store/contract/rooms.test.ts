// Store contract, rooms: the same cases against the file store and the Redis store (catalog, changes, delete, limits).
import { describe, expect, test, vi } from 'vitest';
import { StoreError } from '../../../src/store/errors.js';
import { STORE_KINDS, openStoreOf } from '../../helpers/stores.js';
import { tempDir } from '../../helpers/temp-dir.js';

const texts = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${i + from}` }));

describe.each(STORE_KINDS)('%s store: rooms', (kind) => {
  test('a new room is empty, found by id and listed; unknown ids are not', async () => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'first' });
    expect(room).toMatchObject({ name: 'first', messageCount: 0, lastSeq: 0, lastActivityAt: room.createdAt });
    expect(await store.getRoom(room.id)).toEqual(room);
    expect(await store.listRooms()).toEqual([room]);
    expect(await store.getRoom('nope')).toBeUndefined();
  });

  test('the catalog lists the room with the newest activity first', async () => {
    const store = await openStoreOf(kind);
    const a = await store.createRoom({ name: 'a' });
    await new Promise((r) => setTimeout(r, 5));
    const b = await store.createRoom({ name: 'b' });
    expect((await store.listRooms()).map((r) => r.name)).toEqual(['b', 'a']);
    await new Promise((r) => setTimeout(r, 5));
    await store.append(a.id, texts(2));
    const rooms = await store.listRooms();
    expect(rooms.map((r) => r.name)).toEqual(['a', 'b']);
    expect(rooms[0]).toMatchObject({ id: a.id, messageCount: 2, lastSeq: 2 });
    expect(rooms[0]!.lastActivityAt > a.createdAt).toBe(true);
    expect(rooms[1]!.id).toBe(b.id);
  });

  test('updateRoom renames, sets and clears the topic and settings one by one', async () => {
    const store = await openStoreOf(kind);
    const { id } = await store.createRoom({ name: 'r' });
    expect(await store.updateRoom(id, { name: 'renamed', topic: 'plans', settings: { loopGuard: 5 } })).toMatchObject({
      name: 'renamed',
      topic: 'plans',
      settings: { loopGuard: 5 },
    });
    await store.updateRoom(id, { settings: { agentKeysOnly: true } });
    expect((await store.getRoom(id))?.settings).toEqual({ loopGuard: 5, agentKeysOnly: true });
    const cleared = await store.updateRoom(id, { topic: null, settings: { loopGuard: null, agentKeysOnly: null } });
    expect(cleared.topic).toBeUndefined();
    expect(cleared.settings).toBeUndefined();
    expect(cleared.name).toBe('renamed');
    await expect(store.updateRoom('missing', { name: 'x' })).rejects.toMatchObject({ code: 'room_not_found' });
  });

  test('deleteRoom removes the room, its messages and keys once, and tells its delete listeners', async () => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'gone', keyHashes: { write: 'w'.repeat(64), read: 'r'.repeat(64) } });
    await store.addAgent(room.id, 'bot', 'a'.repeat(64));
    await store.append(room.id, texts(3));
    const deleted = vi.fn();
    store.onDelete(room.id, deleted);
    await new Promise((r) => setTimeout(r, 20)); // the Redis store learns the room's state in the background
    expect(await store.deleteRoom(room.id)).toBe(true);
    await vi.waitFor(() => expect(deleted).toHaveBeenCalledTimes(1));
    expect(await store.deleteRoom(room.id)).toBe(false);
    expect(await store.getRoom(room.id)).toBeUndefined();
    expect(await store.listRooms()).toEqual([]);
    for (const hash of ['w'.repeat(64), 'r'.repeat(64), 'a'.repeat(64)]) expect(await store.findKey(hash)).toBeUndefined();
    await expect(store.read(room.id, { limit: 10 })).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(store.append(room.id, texts(1))).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(store.listAgents(room.id)).rejects.toBeInstanceOf(StoreError);
    expect(deleted).toHaveBeenCalledTimes(1);
  });

  test('a delete listener that throws is named in a warning, and the other listeners and the delete go on', async () => {
    const warnings: string[] = [];
    const store = await openStoreOf(kind, { warn: (m) => warnings.push(m) });
    const room = await store.createRoom({ name: 'gone' });
    await store.append(room.id, texts(2));
    store.onDelete(room.id, () => {
      throw new Error('listener bug');
    });
    const deleted = vi.fn();
    store.onDelete(room.id, deleted);
    await new Promise((r) => setTimeout(r, 20)); // the Redis store learns the room's state in the background
    expect(await store.deleteRoom(room.id)).toBe(true);
    await vi.waitFor(() => expect(deleted).toHaveBeenCalledTimes(1));
    expect(warnings.join('\n')).toMatch(/a delete listener of room \S+ failed: Error: listener bug/);
    expect(await store.getRoom(room.id)).toBeUndefined();
    await expect(store.read(room.id, { limit: 10 })).rejects.toMatchObject({ code: 'room_not_found' });
    expect(await store.createRoom({ name: 'next' })).toMatchObject({ name: 'next' });
  });

  test('maxRooms holds under concurrent creates: exactly the free places are taken', async () => {
    const store = await openStoreOf(kind, { maxRooms: 5 });
    await store.createRoom({ name: 'existing' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.createRoom({ name: `r${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'limit' });
    expect(await store.listRooms()).toHaveLength(5);
  });

  test('rooms, keys, agents, settings and messages survive a close and reopen; seq goes on', async () => {
    const dir = await tempDir();
    const store = await openStoreOf(kind, { dir });
    const room = await store.createRoom({ name: 'kept', keyHashes: { write: '1'.repeat(64), read: '2'.repeat(64) } });
    await store.updateRoom(room.id, { topic: 't', settings: { loopGuard: 3 } });
    await store.addAgent(room.id, 'bot', '3'.repeat(64));
    await store.append(room.id, texts(5));
    await store.close();

    const again = await openStoreOf(kind, { dir });
    expect(await again.getRoom(room.id)).toMatchObject({ name: 'kept', topic: 't', settings: { loopGuard: 3 }, messageCount: 5, lastSeq: 5 });
    expect(await again.findKey('1'.repeat(64))).toEqual({ roomId: room.id, access: 'write' });
    expect(await again.findKey('3'.repeat(64))).toEqual({ roomId: room.id, access: 'write', agent: 'bot' });
    expect((await again.listAgents(room.id)).map((a) => a.name)).toEqual(['bot']);
    expect((await again.read(room.id, { limit: 10 })).map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect((await again.append(room.id, texts(1, 6)))[0]?.seq).toBe(6);
  });
});
