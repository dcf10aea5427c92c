// The file store: rooms in a lowdb catalog, messages in one JSON Lines log (plus seq index) per room.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_ROOMS } from '../api/limits.js';
import type { Message, MessageInput, Room } from '../api/types.js';
import { Catalog, type CatalogEntry } from './catalog.js';
import { lockDataDir } from './data-lock.js';
import { StoreError, roomNotFound } from './errors.js';
import { ROOM_ID_PATTERN, newRoomId } from './ids.js';
import { recoverLog, type Warn } from './log-recovery.js';
import { RoomLog, type Retention } from './room-log.js';
import type { KeyOwner, MessageListener, NewRoom, ReadOptions, Store } from './store.js';

export interface FileStoreOptions {
  /** The data directory: rooms.json and rooms/<id>.jsonl (+ .idx). */
  dir: string;
  /** fdatasync every group commit (default false: a write is acknowledged once the OS has it). */
  fsync?: boolean;
  /** Recent messages kept in memory per room (default 256). */
  windowSize?: number;
  /** Oldest messages dropped past a count or an age (default: kept forever). */
  retention?: Retention;
  /** Most rooms this store holds (default 10,000). */
  maxRooms?: number;
  warn?: Warn;
}

interface OpenRoom {
  entry: CatalogEntry;
  log: RoomLog;
}

const OPEN_CONCURRENCY = 16;

export class FileStore implements Store {
  private readonly catalog: Catalog;
  private readonly roomsDir: string;
  private readonly rooms = new Map<string, OpenRoom>();
  private readonly keys = new Map<string, KeyOwner>();
  private creating = 0;
  private retentionTimer: NodeJS.Timeout | undefined;
  private unlock: (() => Promise<void>) | undefined;
  private readonly warn: Warn;

  constructor(private readonly options: FileStoreOptions) {
    this.catalog = new Catalog(join(options.dir, 'rooms.json'));
    this.roomsDir = join(options.dir, 'rooms');
    this.warn = options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
  }

  async open(): Promise<void> {
    await mkdir(this.roomsDir, { recursive: true });
    this.unlock = await lockDataDir(this.options.dir);
    let entries: CatalogEntry[];
    try {
      entries = await this.catalog.load();
    } catch (err) {
      await this.unlock();
      throw err;
    }
    for (let i = 0; i < entries.length; i += OPEN_CONCURRENCY) {
      await Promise.all(entries.slice(i, i + OPEN_CONCURRENCY).map((entry) => this.openRoom(entry)));
    }
    const maxAgeMs = this.options.retention?.maxAgeMs;
    if (maxAgeMs !== undefined) {
      const every = Math.max(1000, Math.min(60_000, maxAgeMs / 2));
      this.retentionTimer = setInterval(() => this.rooms.forEach((r) => r.log.enforceRetention()), every).unref();
    }
  }

  private async openRoom(entry: CatalogEntry): Promise<OpenRoom> {
    if (!ROOM_ID_PATTERN.test(entry.id)) {
      throw new StoreError('corrupt', `${this.catalog.path}: room id ${JSON.stringify(entry.id)} is not valid. It was not changed.`);
    }
    const base = join(this.roomsDir, entry.id);
    const logPath = `${base}.jsonl`;
    const indexPath = `${base}.idx`;
    const recovered = await recoverLog(logPath, indexPath, this.warn);
    const room = {
      entry,
      log: new RoomLog(entry.id, recovered, {
        fsync: this.options.fsync ?? false,
        windowSize: this.options.windowSize ?? 256,
        retention: this.options.retention ?? {},
        logPath,
        indexPath,
      }),
    };
    this.rooms.set(entry.id, room);
    if (entry.keys) {
      this.keys.set(entry.keys.write, { roomId: entry.id, access: 'write' });
      this.keys.set(entry.keys.read, { roomId: entry.id, access: 'read' });
    }
    return room;
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    await Promise.all([...this.rooms.values()].map((r) => r.log.close()));
    this.rooms.clear();
    await this.unlock?.();
    this.unlock = undefined;
  }

  async createRoom(input: NewRoom): Promise<Room> {
    const max = this.options.maxRooms ?? DEFAULT_MAX_ROOMS;
    if (this.rooms.size + this.creating >= max) {
      throw new StoreError('limit', `This server holds its maximum of ${max} rooms (--max-rooms).`);
    }
    this.creating += 1;
    try {
      const entry: CatalogEntry = { id: newRoomId(), name: input.name, createdAt: new Date().toISOString() };
      if (input.keyHashes) entry.keys = { ...input.keyHashes };
      const room = await this.openRoom(entry);
      try {
        await this.catalog.add(entry);
      } catch (err) {
        this.forget(entry);
        await room.log.close();
        throw err;
      }
      return toRoom(room);
    } finally {
      this.creating -= 1;
    }
  }

  private forget(entry: CatalogEntry): void {
    this.rooms.delete(entry.id);
    if (entry.keys) {
      this.keys.delete(entry.keys.write);
      this.keys.delete(entry.keys.read);
    }
  }

  async findKey(hash: string): Promise<KeyOwner | undefined> {
    return this.keys.get(hash);
  }

  async getRoom(id: string): Promise<Room | undefined> {
    const room = this.rooms.get(id);
    return room && toRoom(room);
  }

  async listRooms(): Promise<Room[]> {
    return [...this.rooms.values()]
      .map(toRoom)
      .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || b.createdAt.localeCompare(a.createdAt));
  }

  async append(roomId: string, inputs: readonly MessageInput[]): Promise<Message[]> {
    return this.room(roomId).log.append(inputs);
  }

  async read(roomId: string, options: ReadOptions): Promise<Message[]> {
    return this.room(roomId).log.read(options.after, options.limit);
  }

  subscribe(roomId: string, listener: MessageListener): () => void {
    return this.room(roomId).log.subscribe(listener);
  }

  private room(id: string): OpenRoom {
    const room = this.rooms.get(id);
    if (!room) throw roomNotFound(id);
    return room;
  }
}

function toRoom({ entry, log }: OpenRoom): Room {
  return {
    id: entry.id,
    name: entry.name,
    createdAt: entry.createdAt,
    lastActivityAt: log.lastActivityAt ?? entry.createdAt,
    messageCount: log.messageCount,
    lastSeq: log.lastSeq,
  };
}
