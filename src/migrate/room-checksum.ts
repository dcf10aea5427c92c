// A room's fingerprint for `migrate`: its message count and one SHA-256 over its record, hooks and every message, in
// a canonical form (keys sorted), so two stores that hold the same room agree whatever order they keep fields in.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { HookState } from '../store/fleet-contract.js';

export interface RoomChecksum {
  messages: number;
  lastSeq: number;
  sha256: string;
}

/** Messages read per page while hashing. */
const PAGE = 1000;

/** JSON with every object's keys in sorted order and no undefined fields. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Undefined when the store has no such room. */
export async function roomChecksum(store: Store, hooks: HookState | undefined, roomId: string): Promise<RoomChecksum | undefined> {
  const record = await store.exportRoom(roomId);
  if (!record) return undefined;
  const { room, keyHashes, agents, cursors } = record;
  const hash = createHash('sha256');
  // What the room is, not what follows from its messages (count, lastSeq and activity are checked by the messages).
  const { lastActivityAt: _a, messageCount: _c, lastSeq: _s, ...identity } = room;
  const roomHooks = hooks ? [...(await hooks.loadRoom(roomId))].sort((a, b) => (a.id < b.id ? -1 : 1)) : [];
  hash.update(`${canonicalJson({ room: identity, keyHashes, agents: [...agents].sort((a, b) => (a.name < b.name ? -1 : 1)), cursors, hooks: roomHooks })}\n`);
  let messages = 0;
  let lastSeq = 0;
  for (let after = 0; ; ) {
    const page = await store.read(roomId, { after, limit: PAGE });
    if (page.length === 0) break;
    for (const m of page) hash.update(`${canonicalJson(m)}\n`);
    messages += page.length;
    after = lastSeq = page.at(-1)!.seq;
  }
  return { messages, lastSeq, sha256: hash.digest('hex') };
}
