// The room catalog: one lowdb JSON file holding each room's id, name and creation time.
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { RoomSettings } from '../api/types.js';
import { StoreError } from './errors.js';

export interface CatalogEntry {
  id: string;
  name: string;
  createdAt: string;
  /** SHA-256 hex digests of the room's write and read keys. */
  keys?: { write: string; read: string };
  topic?: string;
  settings?: RoomSettings;
  /** Named agents of the room, each with the SHA-256 hex digest of its key. */
  agents?: AgentEntry[];
}

export interface AgentEntry {
  name: string;
  key: string;
  createdAt: string;
}

interface CatalogData {
  version: 1;
  rooms: CatalogEntry[];
}

export class Catalog {
  // Never JSONFilePreset: it swaps to memory when NODE_ENV=test, and the tests must hit the disk.
  private readonly db: Low<CatalogData>;

  constructor(readonly path: string) {
    this.db = new Low<CatalogData>(new JSONFile<CatalogData>(path), { version: 1, rooms: [] });
  }

  /** Reads the file; a file that is not valid JSON stops here and is left untouched. */
  async load(): Promise<CatalogEntry[]> {
    try {
      await this.db.read();
    } catch (err) {
      throw new StoreError(
        'corrupt',
        `The room catalog ${this.path} is not valid JSON (${(err as Error).message}). ` +
          'It was not changed: repair it or move it away, then start again.',
        { cause: err },
      );
    }
    if (!Array.isArray(this.db.data?.rooms)) {
      throw new StoreError('corrupt', `The room catalog ${this.path} has no "rooms" list. It was not changed.`);
    }
    return this.db.data.rooms;
  }

  private queue: { entry: CatalogEntry; resolve: () => void; reject: (err: Error) => void }[] = [];
  private writing: Promise<void> | undefined;

  /** Resolves once the entry is on disk (lowdb writes a temp file and renames it, so the file is never torn). Adds made
   *  together share one write, and only one write runs at a time, so a failed write's entries never reach the file
   *  through a later one. */
  add(entry: CatalogEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      this.db.data.rooms.push(...group.map((g) => g.entry));
      try {
        await this.db.write();
        for (const g of group) g.resolve();
      } catch (err) {
        const failed = new Set(group.map((g) => g.entry));
        this.db.data.rooms = this.db.data.rooms.filter((r) => !failed.has(r));
        const error = new StoreError('unavailable', `Could not write the room catalog ${this.path}: ${(err as Error).message}`, {
          cause: err,
        });
        for (const g of group) g.reject(error);
      }
    }
    this.writing = undefined;
  }

  /** Writes the catalog as it now is, after the caller changed an entry; `undo` puts the entry back if the write fails. */
  async save(undo: () => void): Promise<void> {
    try {
      await this.db.write();
    } catch (err) {
      undo();
      throw new StoreError('unavailable', `Could not write the room catalog ${this.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** Drops an entry and writes the catalog; the entry stays if the write fails. */
  async remove(entry: CatalogEntry): Promise<void> {
    const before = this.db.data.rooms;
    this.db.data.rooms = before.filter((r) => r !== entry);
    await this.save(() => (this.db.data.rooms = before));
  }
}
