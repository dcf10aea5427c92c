// `migrate`: copies every room (record, messages with their seq and times, cursors, hooks) from one store to another
// through the Store interface, then checks each room's count and SHA-256. Rerunning skips rooms already complete and
// continues a room that was cut off at its last copied seq.
import type { Room } from '../api/types.js';
import type { Store } from '../store/store.js';
import type { HookState } from '../store/fleet-contract.js';
import { roomChecksum } from './room-checksum.js';

export interface MigrateOptions {
  from: Store;
  to: Store;
  /** Hooks, cursors and pause state of each side, when there are any. */
  fromHooks?: HookState;
  toHooks?: HookState;
  /** Messages per read and per import (default 1000). */
  batch?: number;
  onProgress?: (progress: MigrateProgress) => void;
}

export interface MigrateProgress {
  rooms: number;
  roomsDone: number;
  /** Messages in the source, all rooms together. */
  messages: number;
  messagesDone: number;
  /** The room being copied, and what happened to it once done. */
  room: Room;
  outcome?: RoomOutcome;
}

export type RoomStatus = 'copied' | 'resumed' | 'complete' | 'differs';

export interface RoomOutcome {
  roomId: string;
  name: string;
  status: RoomStatus;
  /** Messages copied by this run. */
  copied: number;
  messages: number;
  sha256: string;
  /** Why a room differs (status 'differs'). */
  problem?: string;
}

export interface MigrateResult {
  rooms: RoomOutcome[];
  messages: number;
  hooks: number;
  differs: RoomOutcome[];
}

export const DEFAULT_BATCH = 1000;

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { from, to, fromHooks, toHooks } = options;
  const batch = options.batch ?? DEFAULT_BATCH;
  // Oldest first, so a rerun meets the same order and an interrupted run's rooms come first again.
  const rooms = (await from.listRooms()).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1));
  const total = rooms.reduce((n, r) => n + r.messageCount, 0);
  const hooksByRoom = fromHooks ? await fromHooks.loadAll() : new Map();
  if (toHooks) await toHooks.loadAll();
  const result: MigrateResult = { rooms: [], messages: 0, hooks: 0, differs: [] };
  let messagesDone = 0;
  for (const room of rooms) {
    const report = (outcome?: RoomOutcome) =>
      options.onProgress?.({ rooms: rooms.length, roomsDone: result.rooms.length, messages: total, messagesDone, room, ...(outcome && { outcome }) });
    report();
    const record = await from.exportRoom(room.id);
    if (!record) continue; // deleted since the list was read: the source is not being served, so this is rare
    let target = await to.exportRoom(room.id);
    const existed = target !== undefined;
    if (!target) {
      await to.importRoom(record);
      target = (await to.exportRoom(room.id))!;
    }
    const roomStart = messagesDone;
    const already = existed ? Math.min(target.room.messageCount, record.room.messageCount) : 0;
    let copied = 0;
    let after = target.room.lastSeq;
    // A target that already holds more than the source, or another room under the same id, is reported, not overwritten.
    if (after <= record.room.lastSeq) {
      for (;;) {
        const page = await from.read(room.id, { after, limit: batch });
        if (page.length === 0) break;
        await to.importMessages(room.id, page);
        after = page.at(-1)!.seq;
        copied += page.length;
        messagesDone = roomStart + already + copied;
        report();
      }
    }
    messagesDone = roomStart + record.room.messageCount;
    for (const [name, seq] of Object.entries(record.cursors)) await to.setCursor(room.id, name, seq, { uncapped: true });
    for (const hook of hooksByRoom.get(room.id) ?? []) {
      if (!toHooks || (await toHooks.loadHook(room.id, hook.id))) continue;
      await toHooks.add({ ...hook }, Number.MAX_SAFE_INTEGER);
      result.hooks += 1;
    }
    await toHooks?.flush();
    const outcome = await verify(options, room, existed ? (copied > 0 ? 'resumed' : 'complete') : 'copied', copied);
    result.rooms.push(outcome);
    result.messages += outcome.messages;
    if (outcome.status === 'differs') result.differs.push(outcome);
    report(outcome);
  }
  return result;
}

async function verify({ from, to, fromHooks, toHooks }: MigrateOptions, room: Room, status: RoomStatus, copied: number): Promise<RoomOutcome> {
  const source = (await roomChecksum(from, fromHooks, room.id))!;
  const target = await roomChecksum(to, toHooks, room.id);
  const outcome: RoomOutcome = { roomId: room.id, name: room.name, status, copied, messages: source.messages, sha256: source.sha256 };
  let problem: string | undefined;
  if (!target) problem = 'missing in the target';
  else if (target.messages !== source.messages || target.lastSeq !== source.lastSeq) {
    problem = `${source.messages} messages up to seq ${source.lastSeq} in the source, ${target.messages} up to seq ${target.lastSeq} in the target`;
  } else if (target.sha256 !== source.sha256) problem = `SHA-256 ${source.sha256.slice(0, 12)}… in the source, ${target.sha256.slice(0, 12)}… in the target`;
  return problem ? { ...outcome, status: 'differs', problem } : outcome;
}

