// A store worth migrating: rooms with keys, agents, topic, settings, cursors, varied messages (one redacted, one room
// starting past seq 1), an empty room, and webhooks (one paused); and a comparison of two stores field by field.
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { FileStore } from '../../src/store/file/file-store.js';
import type { Store } from '../../src/store/store.js';
import { HookFiles } from '../../src/webhooks/hook-files.js';
import type { HookRecord, HookState } from '../../src/store/fleet-contract.js';

export interface Fixture {
  rooms: { id: string; messages: number }[];
  messages: number;
}

function message(roomId: string, seq: number): Message {
  const m: Message = { id: `m-${roomId}-${seq}`, seq, roomId, sender: seq % 3 ? 'planner' : 'coder', content: `message ${seq} ✓ "quoted"`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString() };
  if (seq % 7 === 0) Object.assign(m, { to: ['coder'], mentions: ['coder'], type: 'task', metadata: { n: seq, nested: { b: 1, a: [1, 2] } } });
  if (seq % 11 === 0) Object.assign(m, { replyTo: `m-${roomId}-${seq - 1}`, verified: true });
  return m;
}

export function hook(roomId: string, n: number, extra: Partial<HookRecord> = {}): HookRecord {
  return { id: `wh_test${n}`, roomId, url: `http://127.0.0.1:9/hook${n}`, state: 'active', createdAt: '2026-01-01T00:00:00.000Z', lastDeliveredSeq: 3, failures: 0, secret: `whsec_${Buffer.from(`secret-${n}`).toString('base64')}`, ...extra };
}

/** Fills `store` and `hooks`; `sizes` are the message counts of the rooms holding messages. */
export async function fillStore(store: Store, hooks: HookState, sizes = [1200, 300]): Promise<Fixture> {
  const rooms: Fixture['rooms'] = [];
  const alpha = await store.createRoom({ name: 'alpha', keyHashes: { write: hashKey('w-alpha'), read: hashKey('r-alpha') } });
  await store.updateRoom(alpha.id, { topic: 'the plan', settings: { loopGuard: 5, agentKeysOnly: true } });
  await store.addAgent(alpha.id, 'coder', hashKey('agent-coder'));
  await store.addAgent(alpha.id, 'planner', hashKey('agent-planner'));
  await store.importMessages(alpha.id, Array.from({ length: sizes[0]! }, (_, i) => message(alpha.id, i + 1)));
  await store.redact(alpha.id, 5);
  await store.setCursor(alpha.id, 'coder', 42);
  await store.setCursor(alpha.id, 'planner', 7);
  rooms.push({ id: alpha.id, messages: sizes[0]! });
  await hooks.add(hook(alpha.id, 1), 20);
  await hooks.add(hook(alpha.id, 2, { state: 'paused', failures: 300, lastError: 'seq 4: HTTP 500', lastErrorAt: '2026-01-02T00:00:00.000Z', to: 'coder' }), 20);
  const empty = await store.createRoom({ name: 'empty' });
  rooms.push({ id: empty.id, messages: 0 });
  // Its first 49 messages were dropped by retention where it comes from.
  const late = await store.createRoom({ name: 'late start' });
  await store.importMessages(late.id, Array.from({ length: sizes[1]! }, (_, i) => message(late.id, i + 50)));
  rooms.push({ id: late.id, messages: sizes[1]! });
  await hooks.flush();
  return { rooms, messages: sizes[0]! + sizes[1]! };
}

/** A file store with the fixture in `dir`, closed again. */
export async function fileFixture(dir: string, sizes?: number[]): Promise<Fixture> {
  const store = new FileStore({ dir });
  await store.open();
  const hooks = new HookFiles(join(dir, 'webhooks'));
  await hooks.loadAll();
  try {
    return await fillStore(store, hooks, sizes);
  } finally {
    await hooks.flush();
    await store.close();
  }
}

/** Every room of `a` is in `b` with the same record, messages, cursors and hooks. */
export async function expectSameStores(a: Store, aHooks: HookState, b: Store, bHooks: HookState): Promise<void> {
  const rooms = await a.listRooms();
  expect((await b.listRooms()).map((r) => r.id).sort()).toEqual(rooms.map((r) => r.id).sort());
  for (const room of rooms) {
    expect(await b.exportRoom(room.id)).toEqual(await a.exportRoom(room.id));
    expect(await b.read(room.id, { after: 0, limit: 100_000 })).toEqual(await a.read(room.id, { after: 0, limit: 100_000 }));
    expect(await bHooks.loadRoom(room.id)).toEqual(await aHooks.loadRoom(room.id));
    if (room.name === 'alpha') expect((await aHooks.loadRoom(room.id)).map((h) => h.id)).toEqual(['wh_test1', 'wh_test2']);
    const keys = await a.exportRoom(room.id);
    if (keys?.keyHashes) expect(await b.findKey(keys.keyHashes.write)).toEqual({ roomId: room.id, access: 'write' });
  }
}
