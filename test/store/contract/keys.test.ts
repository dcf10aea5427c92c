// Store contract, keys and agents: the same cases against the file store and the Redis store.
import { describe, expect, test } from 'vitest';
import { STORE_KINDS, openStoreOf } from '../../helpers/stores.js';

const hex = (c: string) => c.repeat(64);

describe.each(STORE_KINDS)('%s store: keys and agents', (kind) => {
  test('a room key is found by its digest with its access; setKeys retires the old pair at once', async () => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'r', keyHashes: { write: hex('a'), read: hex('b') } });
    expect(await store.findKey(hex('a'))).toEqual({ roomId: room.id, access: 'write' });
    expect(await store.findKey(hex('b'))).toEqual({ roomId: room.id, access: 'read' });
    expect(await store.findKey(hex('c'))).toBeUndefined();
    await store.setKeys(room.id, { write: hex('c'), read: hex('d') });
    expect(await store.findKey(hex('a'))).toBeUndefined();
    expect(await store.findKey(hex('b'))).toBeUndefined();
    expect(await store.findKey(hex('c'))).toEqual({ roomId: room.id, access: 'write' });
    expect(await store.findKey(hex('d'))).toEqual({ roomId: room.id, access: 'read' });
    await expect(store.setKeys('missing', { write: hex('e'), read: hex('f') })).rejects.toMatchObject({ code: 'room_not_found' });
  });

  test('agents: added once per name, listed in order, their key signs as them, removal revokes the key', async () => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'r' });
    const a = await store.addAgent(room.id, 'alice', hex('1'));
    expect(a).toMatchObject({ name: 'alice' });
    await new Promise((r) => setTimeout(r, 2));
    await store.addAgent(room.id, 'bob', hex('2'));
    await expect(store.addAgent(room.id, 'alice', hex('3'))).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.findKey(hex('3'))).toBeUndefined();
    expect((await store.listAgents(room.id)).map((x) => x.name)).toEqual(['alice', 'bob']);
    expect(await store.findKey(hex('1'))).toEqual({ roomId: room.id, access: 'write', agent: 'alice' });
    expect(await store.removeAgent(room.id, 'alice')).toBe(true);
    expect(await store.removeAgent(room.id, 'alice')).toBe(false);
    expect(await store.findKey(hex('1'))).toBeUndefined();
    expect((await store.listAgents(room.id)).map((x) => x.name)).toEqual(['bob']);
    await expect(store.addAgent('missing', 'x', hex('4'))).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(store.listAgents('missing')).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(store.removeAgent('missing', 'x')).rejects.toMatchObject({ code: 'room_not_found' });
  });
});
