// The file store: rooms in a lowdb catalog, messages in one JSON Lines log (plus seq index) per room.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_ROOMS } from '../../api/limits.js';
import type { Agent, Message, Room, RoomPatch } from '../../api/types.js';
import { byCreation } from '../agent-order.js';
import { CacheBudget } from './cache-budget.js';
import { CommitTurn } from './commit-turn.js';
import { Catalog, type CatalogEntry } from './catalog.js';
import { CursorFile } from './cursor-file.js';
import { lockDataDir } from './data-lock.js';
import { StoreError, outOfFiles, roomNotFound } from '../errors.js';
import { ROOM_ID_PATTERN, newRoomId } from '../ids.js';
import { HandlePool, defaultMaxOpenFiles } from './handle-pool.js';
import { compactionTemp } from './log-compaction.js';
import { saveLogStates, takeLogStates } from './log-states.js';
import { MessageWindow } from './message-window.js';
import { RoomEvents } from '../room-events.js';
import { RoomLog, type LogState } from './room-log.js';
import type { RoomPosition } from '../../api/room-order.js';
import { pickPage, type RoomPage } from '../room-order.js';
import type { KeyHashes, KeyOwner, RoomRecord, MessageListener, NewMessage, NewRoom, ReadOptions, RedactListener, Retention, Store, Warn } from '../store.js';

export interface FileStoreOptions {
  /** The data directory: rooms.json (+ rooms.journal) and rooms/<id>.jsonl (+ .idx, + .cursors.json once an inbox cursor moved). */
  dir: string;
  /** fdatasync every group commit (default false: a write is acknowledged once the OS has it). */
  fsync?: boolean;
  /** Recent messages kept in memory per room (default 256). */
  windowSize?: number;
  /** Most bytes of JSON text one room keeps in memory (default 4 MiB); older messages are read from the log. */
  windowBytes?: number;
  /** Most bytes of JSON text all rooms keep in memory together (default 64 MiB); the rooms written least recently
   *  give theirs up first. */
  cacheBytes?: number;
  /** Oldest messages dropped past a count or an age (default: kept forever). */
  retention?: Retention;
  /** Most rooms this store holds (default DEFAULT_MAX_ROOMS). */
  maxRooms?: number;
  /** Most file descriptors the rooms' files hold at once (default: a quarter of the process's open-file limit, see
   *  defaultMaxOpenFiles); rooms not in use close theirs, least recently used first. At least 2. */
  maxOpenFiles?: number;
  warn?: Warn;
}

interface OpenRoom {
  entry: CatalogEntry;
  log: RoomLog;
  cursors: CursorFile;
  events: RoomEvents;
}

/** Rooms recovered at once in the background after a start without saved states. */
const SCAN_CONCURRENCY = 4;

export const DEFAULT_WINDOW_BYTES = 4 * 2 ** 20;
export const DEFAULT_CACHE_BYTES = 64 * 2 ** 20;

/**
 * The file store: rooms in a JSON catalog (`rooms.json`) and each room's messages in an append-only JSON Lines log with
 * a seq index, under `dir`. Call `open()` before use (it takes the folder's lock: one process per folder, and repairs
 * what a crash left) and `close()` after (it waits for queued writes). An append resolves once the messages are written
 * (with `fsync`, on disk); a crash keeps every acknowledged message.
 */
export class FileStore implements Store {
  private readonly catalog: Catalog;
  private readonly roomsDir: string;
  private readonly rooms = new Map<string, OpenRoom>();
  private readonly keys = new Map<string, KeyOwner>();
  /** Rooms being created: counted against the maximum until they are in `rooms` or have failed. */
  private creating = 0;
  private readonly budget: CacheBudget;
  private retentionTimer: NodeJS.Timeout | undefined;
  private unlock: (() => Promise<void>) | undefined;
  private readonly warn: Warn;
  private readonly pool: HandlePool;
  private readonly turn = new CommitTurn();
  private readonly statesPath: string;
  /** The background recovery of rooms without a saved state. */
  private scan: Promise<void> | undefined;
  private opened = false;
  private closing = false;

  constructor(private readonly options: FileStoreOptions) {
    this.pool = new HandlePool(options.maxOpenFiles ?? defaultMaxOpenFiles());
    this.statesPath = join(options.dir, 'log-states.json');
    this.roomsDir = join(options.dir, 'rooms');
    this.warn = options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
    this.catalog = new Catalog(join(options.dir, 'rooms.json'), { fsync: options.fsync ?? false, warn: this.warn });
    this.budget = new CacheBudget(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  /**
   * Loads the catalog and opens no room file: each room's log is recovered at its first use, and rooms the last
   * clean stop did not describe (after a crash, every room) are also recovered in the background, a few at a time.
   * On failure nothing stays open or locked: a later open (by this or another process) starts clean.
   */
  async open(): Promise<void> {
    await mkdir(this.roomsDir, { recursive: true });
    this.unlock = await lockDataDir(this.options.dir);
    try {
      const entries = await this.catalog.load();
      for (const entry of entries) {
        if (!ROOM_ID_PATTERN.test(entry.id)) {
          throw new StoreError('corrupt', `${this.catalog.path}: room id ${JSON.stringify(entry.id)} is not valid. It was not changed.`);
        }
      }
      const states = await takeLogStates(this.statesPath, this.warn);
      for (const entry of entries) this.register(this.newRoom(entry, states.get(entry.id)));
    } catch (err) {
      await this.close();
      throw err;
    }
    this.opened = true;
    this.scan = this.recoverUnknown();
    const maxAgeMs = this.options.retention?.maxAgeMs;
    if (maxAgeMs !== undefined) {
      const every = Math.max(1000, Math.min(60_000, maxAgeMs / 2));
      this.retentionTimer = setInterval(() => this.rooms.forEach((r) => r.log.enforceRetention()), every).unref();
    }
  }

  /** Recovers every room whose state is not known yet, so the room list can show them all. A room that fails (a
   *  corrupt log) is named in a warning; its own calls fail with the reason, and every other room is served. */
  private async recoverUnknown(): Promise<void> {
    const unknown = [...this.rooms.values()].filter((r) => !r.log.isKnown);
    if (unknown.length === 0) return;
    const began = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < unknown.length && !this.closing) {
        const room = unknown[next++]!;
        await room.log.ready().catch((err: Error) => {
          if (!this.closing && this.rooms.get(room.entry.id) === room) this.warn(`room ${room.entry.id}: ${err.message}`);
        });
      }
    };
    await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
    if (unknown.length >= 1000 && !this.closing) this.warn(`checked the logs of ${unknown.length} rooms in ${Date.now() - began} ms (no state from a clean stop)`);
  }

  /** A room's objects; no file is opened until the room is used. */
  private newRoom(entry: CatalogEntry, state: LogState | undefined): OpenRoom {
    const base = join(this.roomsDir, entry.id);
    const windowBytes = Math.min(this.options.windowBytes ?? DEFAULT_WINDOW_BYTES, this.budget.maxBytes);
    const events = new RoomEvents(entry.id, this.warn);
    return {
      entry,
      events,
      cursors: new CursorFile(`${base}.cursors.json`, this.options.fsync ?? false),
      log: new RoomLog(entry.id, state, {
        fsync: this.options.fsync ?? false,
        window: new MessageWindow(this.options.windowSize ?? 256, windowBytes, this.budget),
        retention: this.options.retention ?? {},
        logPath: `${base}.jsonl`,
        indexPath: `${base}.idx`,
        warn: this.warn,
        pool: this.pool,
        turn: this.turn,
        events,
      }),
    };
  }

  private register(room: OpenRoom): void {
    const { entry } = room;
    this.rooms.set(entry.id, room);
    if (entry.keys) {
      this.keys.set(entry.keys.write, { roomId: entry.id, access: 'write' });
      this.keys.set(entry.keys.read, { roomId: entry.id, access: 'read' });
    }
    for (const agent of entry.agents ?? []) this.keys.set(agent.key, { roomId: entry.id, access: 'write', agent: agent.name });
  }

  private unregisterKeys(entry: CatalogEntry): void {
    for (const hash of [entry.keys?.write, entry.keys?.read, ...(entry.agents ?? []).map((a) => a.key)]) {
      if (hash !== undefined && this.keys.get(hash)?.roomId === entry.id) this.keys.delete(hash);
    }
  }

  async updateRoom(id: string, patch: RoomPatch): Promise<Room> {
    const room = this.room(id);
    const { entry } = room;
    const before = { name: entry.name, topic: entry.topic, settings: entry.settings };
    if (patch.name !== undefined) entry.name = patch.name;
    if (patch.topic === null) delete entry.topic;
    else if (patch.topic !== undefined) entry.topic = patch.topic;
    if (patch.settings) {
      const settings: Record<string, unknown> = { ...entry.settings };
      for (const [k, v] of Object.entries(patch.settings)) {
        if (v === null || v === undefined) delete settings[k];
        else settings[k] = v;
      }
      if (Object.keys(settings).length > 0) entry.settings = settings;
      else delete entry.settings;
    }
    await this.catalog.save(entry, () => Object.assign(entry, before));
    return toRoom(room);
  }

  async deleteRoom(id: string): Promise<boolean> {
    const room = this.rooms.get(id);
    if (!room) return false;
    // The catalog first: once it no longer names the room, the room is gone, also after a restart.
    await this.catalog.remove(room.entry);
    this.rooms.delete(id);
    this.unregisterKeys(room.entry);
    room.events.deleted();
    await room.log.close();
    const base = join(this.roomsDir, id);
    await Promise.all([
      ...[`${base}.jsonl`, `${base}.idx`].flatMap((path) => [path, compactionTemp(path)]).map((path) => rm(path, { force: true })),
      room.cursors.remove(),
    ]);
    return true;
  }

  onDelete(roomId: string, listener: () => void): () => void {
    return this.room(roomId).events.onDelete(listener);
  }

  async setKeys(roomId: string, keyHashes: KeyHashes): Promise<void> {
    const { entry } = this.room(roomId);
    const before = entry.keys;
    entry.keys = { ...keyHashes };
    await this.catalog.save(entry, () => (before ? (entry.keys = before) : delete entry.keys));
    if (before) {
      this.keys.delete(before.write);
      this.keys.delete(before.read);
    }
    this.keys.set(keyHashes.write, { roomId, access: 'write' });
    this.keys.set(keyHashes.read, { roomId, access: 'read' });
  }

  async addAgent(roomId: string, name: string, keyHash: string): Promise<Agent> {
    const { entry } = this.room(roomId);
    const agents = (entry.agents ??= []);
    if (agents.some((a) => a.name === name)) {
      throw new StoreError('conflict', `Room ${roomId} already has an agent named "${name}".`);
    }
    const agent = { name, key: keyHash, createdAt: new Date().toISOString() };
    agents.push(agent);
    await this.catalog.save(entry, () => agents.splice(agents.indexOf(agent), 1));
    this.keys.set(keyHash, { roomId, access: 'write', agent: name });
    return { name, createdAt: agent.createdAt };
  }

  async listAgents(roomId: string): Promise<Agent[]> {
    return (this.room(roomId).entry.agents ?? []).map(({ name, createdAt }) => ({ name, createdAt })).sort(byCreation);
  }

  async removeAgent(roomId: string, name: string): Promise<boolean> {
    const { entry } = this.room(roomId);
    const agents = entry.agents ?? [];
    const i = agents.findIndex((a) => a.name === name);
    if (i < 0) return false;
    const [agent] = agents.splice(i, 1);
    // Refused at once, before the catalog is written; put back only if the write fails.
    this.keys.delete(agent!.key);
    await this.catalog.save(entry, () => {
      agents.splice(i, 0, agent!);
      this.keys.set(agent!.key, { roomId, access: 'write', agent: name });
    });
    return true;
  }

  /** After a store that opened, saves every known room's state for a quick next start (see log-states.ts). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.retentionTimer);
    await this.scan;
    await Promise.all([...this.rooms.values()].map((r) => Promise.all([r.log.close(), r.cursors.settle()])));
    if (this.opened) {
      const states = [...this.rooms.values()].flatMap((r): [string, LogState][] => (r.log.state ? [[r.entry.id, r.log.state]] : []));
      await saveLogStates(this.statesPath, states).catch((err: Error) => this.warn(`could not save ${this.statesPath}: ${err.message}`));
      this.opened = false;
    }
    await this.catalog.close();
    this.rooms.clear();
    this.keys.clear();
    await this.unlock?.();
    this.unlock = undefined;
  }

  /** The room exists (and is listed) only once its files are open and the catalog that names it is on disk; a create
   *  that fails leaves no file behind. */
  async createRoom(input: NewRoom): Promise<Room> {
    const entry: CatalogEntry = { id: newRoomId(), name: input.name, createdAt: new Date().toISOString() };
    if (input.keyHashes) entry.keys = { ...input.keyHashes };
    return this.addRoom(entry);
  }

  async importRoom({ room, keyHashes, agents }: RoomRecord): Promise<Room> {
    if (!ROOM_ID_PATTERN.test(room.id)) throw new StoreError('corrupt', `Room id ${JSON.stringify(room.id)} is not valid.`);
    if (this.rooms.has(room.id)) throw new StoreError('conflict', `Room ${room.id} already exists.`);
    const entry: CatalogEntry = { id: room.id, name: room.name, createdAt: room.createdAt };
    if (keyHashes) entry.keys = { ...keyHashes };
    if (room.topic !== undefined) entry.topic = room.topic;
    if (room.settings) entry.settings = { ...room.settings };
    if (agents.length > 0) entry.agents = agents.map((a) => ({ name: a.name, key: a.keyHash, createdAt: a.createdAt }));
    return this.addRoom(entry);
  }

  async exportRoom(id: string): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(id);
    if (!room) return undefined;
    const { keys, agents } = room.entry;
    return {
      room: toRoom(room),
      ...(keys && { keyHashes: { ...keys } }),
      agents: (agents ?? []).map((a) => ({ name: a.name, keyHash: a.key, createdAt: a.createdAt })).sort(byCreation),
      cursors: await room.cursors.all(),
    };
  }

  async importMessages(roomId: string, messages: readonly Message[]): Promise<void> {
    await this.room(roomId).log.import(messages);
  }

  private async addRoom(entry: CatalogEntry): Promise<Room> {
    const max = this.options.maxRooms ?? DEFAULT_MAX_ROOMS;
    if (this.rooms.size + this.creating >= max) {
      throw new StoreError('limit', `This server already holds its maximum of ${max} rooms.`);
    }
    this.creating += 1;
    let room: OpenRoom | undefined;
    try {
      room = this.newRoom(entry, undefined);
      await room.log.ready(); // creates its files
      await this.catalog.add(entry);
      this.register(room);
      return toRoom(room);
    } catch (err) {
      await room?.log.close();
      const base = join(this.roomsDir, entry.id);
      await Promise.allSettled([rm(`${base}.jsonl`, { force: true }), rm(`${base}.idx`, { force: true })]);
      if (outOfFiles(err)) {
        throw new StoreError('unavailable', 'Too many open files to add a room; nothing was created.', {
          cause: err,
        });
      }
      throw err;
    } finally {
      this.creating -= 1;
    }
  }

  async findKey(hash: string): Promise<KeyOwner | undefined> {
    return this.keys.get(hash);
  }

  async getRoom(id: string): Promise<Room | undefined> {
    const room = this.rooms.get(id);
    if (!room) return undefined;
    if (!room.log.isKnown) await room.log.ready();
    return toRoom(room);
  }

  /** Waits, after a start that had to check rooms' logs, until every room is checked (the order needs them all). */
  async listRooms(page?: RoomPage): Promise<Room[]> {
    await this.scan;
    return pickPage(this.rooms.values(), page ?? { limit: Infinity }, positionOf, toRoom);
  }

  async append(roomId: string, inputs: readonly NewMessage[]): Promise<Message[]> {
    return this.room(roomId).log.append(inputs);
  }

  async read(roomId: string, options: ReadOptions): Promise<Message[]> {
    return this.room(roomId).log.read(options.after, options.limit);
  }

  async getCursor(roomId: string, name: string): Promise<number> {
    return this.room(roomId).cursors.get(name);
  }

  async setCursor(roomId: string, name: string, seq: number, options: { uncapped?: boolean } = {}): Promise<number> {
    const { entry, cursors } = this.room(roomId);
    return cursors.set(name, seq, options.uncapped === true || entry.agents?.some((a) => a.name === name) === true);
  }

  subscribe(roomId: string, listener: MessageListener): () => void {
    return this.room(roomId).events.subscribe(listener);
  }

  async redact(roomId: string, seq: number): Promise<Message | undefined> {
    return this.room(roomId).log.redact(seq);
  }

  onRedact(roomId: string, listener: RedactListener): () => void {
    return this.room(roomId).events.onRedact(listener);
  }

  private room(id: string): OpenRoom {
    const room = this.rooms.get(id);
    if (!room) throw roomNotFound(id);
    return room;
  }
}

function positionOf({ entry, log }: OpenRoom): RoomPosition {
  return { lastActivityAt: log.lastActivityAt ?? entry.createdAt, createdAt: entry.createdAt, id: entry.id };
}

function toRoom({ entry, log }: OpenRoom): Room {
  return {
    id: entry.id,
    name: entry.name,
    createdAt: entry.createdAt,
    lastActivityAt: log.lastActivityAt ?? entry.createdAt,
    messageCount: log.messageCount,
    lastSeq: log.lastSeq,
    ...(entry.topic !== undefined && { topic: entry.topic }),
    ...(entry.settings && { settings: { ...entry.settings } }),
  };
}
