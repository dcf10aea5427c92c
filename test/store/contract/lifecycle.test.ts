// Store contract, what later issues added: inbox cursors, redaction, import/export (migrate) and rooms by page.
import { describe, expect, test, vi } from 'vitest';
import { MAX_INBOX_NAMES } from '../../../src/api/limits.js';
import type { Message } from '../../../src/api/types.js';
import { STORE_KINDS, openStoreOf } from '../../helpers/stores.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SECRET = 'sk-live-7f3a9c1e0b55d2';
const texts = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${i + from}` }));
const all = (store: Awaited<ReturnType<typeof openStoreOf>>, roomId: string) => store.read(roomId, { after: 0, limit: 1000 });

describe.each(STORE_KINDS)('%s store: inbox cursors', (kind) => {
  test('start at 0, move only forward, per name, end at the largest of concurrent moves, survive a reopen, go with the room', async () => {
    const dir = await tempDir();
    const store = await openStoreOf(kind, { dir });
    const room = await store.createRoom({ name: 'r' });
    expect(await store.getCursor(room.id, 'ann')).toBe(0);
    expect(await store.setCursor(room.id, 'ann', 5)).toBe(5);
    expect(await store.setCursor(room.id, 'ann', 3)).toBe(5);
    await Promise.all([4, 9, 1, 7].map((s) => store.setCursor(room.id, 'bob', s)));
    expect(await store.getCursor(room.id, 'bob')).toBe(9);
    await store.close();
    const again = await openStoreOf(kind, { dir });
    expect(await again.getCursor(room.id, 'ann')).toBe(5);
    expect((await again.exportRoom(room.id))?.cursors).toEqual({ ann: 5, bob: 9 });
    await again.deleteRoom(room.id);
    await expect(again.getCursor(room.id, 'ann')).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(again.setCursor(room.id, 'ann', 1)).rejects.toMatchObject({ code: 'room_not_found' });
  });

  test(`at most ${MAX_INBOX_NAMES} names a room: a new one past it is a limit error; names with a cursor and with an agent key still move`, async () => {
    const dir = await tempDir();
    const store = await openStoreOf(kind, { dir });
    const room = await store.createRoom({ name: 'r' });
    await store.addAgent(room.id, 'agent', 'a'.repeat(64));
    for (let i = 0; i < MAX_INBOX_NAMES; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => store.setCursor(room.id, `n${i + j}`, 1)));
    }
    await expect(store.setCursor(room.id, 'one-too-many', 1)).rejects.toMatchObject({ code: 'limit', message: expect.stringContaining(`${MAX_INBOX_NAMES} names`) });
    expect(await store.setCursor(room.id, 'n0', 2)).toBe(2);
    expect(await store.setCursor(room.id, 'agent', 3)).toBe(3);
    await store.close();
    const again = await openStoreOf(kind, { dir });
    expect(await again.getCursor(room.id, 'one-too-many')).toBe(0);
    await expect(again.setCursor(room.id, 'one-too-many', 1)).rejects.toMatchObject({ code: 'limit' });
    expect(Object.keys((await again.exportRoom(room.id))!.cursors)).toHaveLength(MAX_INBOX_NAMES + 1);
    // migrate copies a room that gathered more before the cap.
    expect(await again.setCursor(room.id, 'one-too-many', 1, { uncapped: true })).toBe(1);
  });
});

describe.each(STORE_KINDS)('%s store: redact', (kind) => {
  test('marker in place, the rest unchanged, appends go on; a second redaction tells nobody again', async () => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, texts(4));
    const [original] = await store.append(room.id, [{ sender: 'leaky', content: `my key is ${SECRET}`, metadata: { token: SECRET }, verified: true }]);
    await store.append(room.id, texts(5, 6));
    const heard: Message[] = [];
    store.onRedact(room.id, (m) => heard.push(m));
    const before = await all(store, room.id);
    const redacted = await store.redact(room.id, 5);
    const { content: _c, metadata: _m, ...kept } = original!;
    expect(redacted).toEqual({ ...kept, content: '[redacted]', redacted: true, redactedAt: expect.any(String) });
    const expected = before.map((m) => (m.seq === 5 ? redacted : m));
    expect(await all(store, room.id)).toEqual(expected);
    expect(JSON.stringify(await all(store, room.id))).not.toContain(SECRET);
    expect(await store.read(room.id, { limit: 3 })).toEqual(expected.slice(-3));
    expect(await store.redact(room.id, 5)).toEqual(redacted);
    await vi.waitFor(() => expect(heard).toEqual([redacted]));
    expect((await store.append(room.id, texts(1, 11)))[0]?.seq).toBe(11);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toHaveLength(1);
  });

  test.each([0, -1, 2, 1.5, Number.NaN])('seq %s that the room does not hold: undefined', async (seq) => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'r' });
    const [m] = await store.append(room.id, [{ sender: 'a', content: 'keep' }]);
    expect(await store.redact(room.id, seq)).toBeUndefined();
    expect(await all(store, room.id)).toEqual([m]);
    await expect(store.redact('aaaaaaaaaaaaaaaaaaaaaaaaaa', 1)).rejects.toMatchObject({ code: 'room_not_found' });
  });

  test('appends racing redactions all land, in order', async () => {
    const store = await openStoreOf(kind);
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, texts(20));
    const [r3, , r22] = await Promise.all([store.redact(room.id, 3), store.append(room.id, texts(5, 21)), store.redact(room.id, 22), store.append(room.id, texts(5, 26))]);
    expect([(r3 as Message).seq, (r22 as Message | undefined)?.seq ?? 22]).toEqual([3, 22]);
    const ms = await all(store, room.id);
    expect(ms.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(ms.filter((m) => !m.redacted).every((m) => m.content === `m${m.seq}`)).toBe(true);
  });
});

describe.each(STORE_KINDS)('%s store: export and import', (kind) => {
  test('a room exported from one store and imported into another keeps everything, seqs included', async () => {
    const from = await openStoreOf(kind);
    const to = await openStoreOf(kind);
    const room = await from.createRoom({ name: 'moved', keyHashes: { write: 'a'.repeat(64), read: 'b'.repeat(64) } });
    await from.updateRoom(room.id, { topic: 't', settings: { loopGuard: 4 } });
    await from.addAgent(room.id, 'bot', 'c'.repeat(64));
    await from.append(room.id, texts(6));
    await from.setCursor(room.id, 'bot', 4);
    const record = (await from.exportRoom(room.id))!;
    expect(record).toMatchObject({ keyHashes: { write: 'a'.repeat(64), read: 'b'.repeat(64) }, agents: [{ name: 'bot', keyHash: 'c'.repeat(64) }], cursors: { bot: 4 } });
    await to.importRoom(record);
    await expect(to.importRoom(record)).rejects.toMatchObject({ code: 'conflict' });
    const messages = await all(from, room.id);
    await to.importMessages(room.id, messages.slice(0, 3));
    await expect(to.importMessages(room.id, messages.slice(3, 5).reverse())).rejects.toMatchObject({ code: 'conflict' });
    await expect(to.importMessages(room.id, messages.slice(4))).rejects.toMatchObject({ code: 'conflict' });
    await to.importMessages(room.id, messages.slice(3));
    expect(await all(to, room.id)).toEqual(messages);
    expect(await to.getRoom(room.id)).toEqual(await from.getRoom(room.id));
    expect(await to.findKey('c'.repeat(64))).toEqual({ roomId: room.id, access: 'write', agent: 'bot' });
    expect(await to.findKey('b'.repeat(64))).toEqual({ roomId: room.id, access: 'read' });
    expect((await to.append(room.id, texts(1)))[0]?.seq).toBe(7);
    expect(await to.exportRoom('none')).toBeUndefined();
  });

  test('agents made in the same millisecond list and export in one order in every store: oldest first, then by name', async () => {
    const store = await openStoreOf(kind);
    const at = '2026-01-01T00:00:00.000Z';
    const names = ['zed', 'coder', 'planner', 'amy', 'bot-7', 'bot-10'];
    const room = { id: 'r_sameagentsms', name: 'ties', createdAt: at, lastActivityAt: at, messageCount: 0, lastSeq: 0 };
    await store.importRoom({ room, agents: names.map((name, i) => ({ name, keyHash: String(i).repeat(64), createdAt: at })), cursors: {} });
    const sorted = [...names].sort();
    expect((await store.listAgents(room.id)).map((a) => a.name)).toEqual(sorted);
    expect((await store.exportRoom(room.id))!.agents.map((a) => a.name)).toEqual(sorted);
  });

  test('an empty room may start at any seq (older ones dropped by retention)', async () => {
    const store = await openStoreOf(kind);
    const src = await store.createRoom({ name: 'src' });
    await store.append(src.id, texts(9));
    const tail = (await all(store, src.id)).slice(6);
    const record = (await store.exportRoom(src.id))!;
    await store.deleteRoom(src.id);
    await store.importRoom({ ...record, cursors: {} });
    await store.importMessages(src.id, tail);
    expect((await all(store, src.id)).map((m) => m.seq)).toEqual([7, 8, 9]);
    expect((await store.append(src.id, texts(1)))[0]?.seq).toBe(10);
  });
});

describe.each(STORE_KINDS)('%s store: rooms by page', (kind) => {
  test('pages follow the list order with no room twice or missed, also across ties', async () => {
    const store = await openStoreOf(kind);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await store.createRoom({ name: `r${i}` })).id);
    for (const id of ids.slice(0, 5)) await store.append(id, texts(1));
    const everything = await store.listRooms();
    expect(everything).toHaveLength(12);
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = await store.listRooms({ limit: 5, ...(after && { after }) });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(5);
      seen.push(...page.map((r) => r.id));
      after = page.at(-1)!;
    }
    expect(seen).toEqual(everything.map((r) => r.id));
  });
});
