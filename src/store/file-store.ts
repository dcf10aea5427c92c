// The file store: rooms in a lowdb catalog, messages in one JSON Lines log (plus seq index) per room.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateRoomInput, Message, MessageInput, Room } from '../api/types.js';
import { Catalog, type CatalogEntry } from './catalog.js';
import { StoreError, roomNotFound } from './errors.js';
import { ROOM_ID_PATTERN, newRoomId } from './ids.js';
import { recoverLog, type Warn } from './log-recovery.js';
import { RoomLog } from './room-log.js';
import type { MessageListener, ReadOptions, Store } from './store.js';

export interface FileStoreOptions {
  /** The data directory: rooms.json and rooms/<id>.jsonl (+ .idx). */
  dir: string;
  /** fdatasync every group commit (default false: a write is acknowledged once the OS has it). */
  fsync?: boolean;
  /** Recent messages kept in memory per room (default 256). */
  windowSize?: number;
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
  private readonly warn: Warn;

  constructor(private readonly options: FileStoreOptions) {
    this.catalog = new Catalog(join(options.dir, 'rooms.json'));
    this.roomsDir = join(options.dir, 'rooms');
    this.warn = options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
  }

  async open(): Promise<void> {
    await mkdir(this.roomsDir, { recursive: true });
    const entries = await this.catalog.load();
    for (let i = 0; i < entries.length; i += OPEN_CONCURRENCY) {
      await Promise.all(entries.slice(i, i + OPEN_CONCURRENCY).map((entry) => this.openRoom(entry)));
    }
  }

  private async openRoom(entry: CatalogEntry): Promise<OpenRoom> {
    if (!ROOM_ID_PATTERN.test(entry.id)) {
      throw new StoreError('corrupt', `${this.catalog.path}: room id ${JSON.stringify(entry.id)} is not valid. It was not changed.`);
    }
    const base = join(this.roomsDir, entry.id);
    const recovered = await recoverLog(`${base}.jsonl`, `${base}.idx`, this.warn);
    const room = {
      entry,
      log: new RoomLog(entry.id, recovered, { fsync: this.options.fsync ?? false, windowSize: this.options.windowSize ?? 256 }),
    };
    this.rooms.set(entry.id, room);
    return room;
  }

  async close(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((r) => r.log.close()));
    this.rooms.clear();
  }

  async createRoom(input: CreateRoomInput): Promise<Room> {
    const entry: CatalogEntry = { id: newRoomId(), name: input.name, createdAt: new Date().toISOString() };
    const room = await this.openRoom(entry);
    try {
      await this.catalog.add(entry);
    } catch (err) {
      this.rooms.delete(entry.id);
      await room.log.close();
      throw err;
    }
    return toRoom(room);
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
    messageCount: log.lastSeq,
    lastSeq: log.lastSeq,
  };
}
