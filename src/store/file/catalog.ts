// The room catalog: each room's id, name, keys' digests and settings, in a lowdb snapshot plus a journal of changes.
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { RoomSettings } from '../../api/types.js';
import { StoreError } from '../errors.js';
import { writeAt } from './file-io.js';

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

/** One change of the catalog, as a journal line: an entry added or replaced whole, or a room removed. */
type Change = { put: CatalogEntry } | { del: string };

interface Queued {
  line: string;
  change: Change;
  resolve: () => void;
  reject: (err: Error) => void;
  undo?: () => void;
}

/**
 * The catalog is `rooms.json` (a lowdb snapshot, rewritten whole) plus `rooms.journal` (one JSON line per change since
 * that snapshot). A change costs one small append, not a rewrite of every room: at 100,000 rooms the snapshot is tens
 * of megabytes. The journal is folded into the snapshot once it holds as many changes as there are rooms (and at a
 * clean close), so loading never replays more than that. Replaying is idempotent (whole entries, removals by id), so a
 * crash between writing the snapshot and emptying the journal loses nothing.
 */
export class Catalog {
  // Never JSONFilePreset: it swaps to memory when NODE_ENV=test, and the tests must hit the disk.
  private readonly db: Low<CatalogData>;
  readonly journalPath: string;
  private readonly byId = new Map<string, CatalogEntry>();
  private journal: FileHandle | undefined;
  /** Bytes and changes in the journal. */
  private journalSize = 0;
  private journalChanges = 0;
  private queue: Queued[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly options: { fsync?: boolean; warn?: (message: string) => void } = {},
  ) {
    this.db = new Low<CatalogData>(new JSONFile<CatalogData>(path), { version: 1, rooms: [] });
    this.journalPath = path.replace(/\.json$/, '') + '.journal';
  }

  /** Reads the snapshot and replays the journal; a file that is not valid stops here and is left untouched (a torn
   *  last journal line, from a write that never completed and so was never acknowledged, is dropped). */
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
    // So that rooms.json is there from the first start, also before any change was folded into it.
    if (!(await stat(this.path).then(() => true, () => false))) await this.db.write();
    for (const entry of this.db.data.rooms) this.byId.set(entry.id, entry);
    const journal = await open(this.journalPath, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      const text = (await journal.readFile()).toString('utf8');
      let at = 0;
      for (let line = 1; at < text.length; line++) {
        const nl = text.indexOf('\n', at);
        const change = nl < 0 ? undefined : parseChange(text.slice(at, nl));
        if (!change) {
          if (nl < 0 || nl === text.length - 1) {
            // The last line, cut off (or garbled) by a crash in the middle of its write: never acknowledged.
            this.options.warn?.(`${this.journalPath}: dropped an incomplete last line of ${text.length - at} bytes (a write that did not complete)`);
            await journal.truncate(Buffer.byteLength(text.slice(0, at)));
            break;
          }
          throw new StoreError('corrupt', `The room catalog journal ${this.journalPath} is not valid at line ${line}. It was not changed.`);
        }
        this.apply(change);
        this.journalChanges += 1;
        at = nl + 1;
      }
      this.journalSize = Buffer.byteLength(text.slice(0, at));
    } catch (err) {
      await journal.close();
      throw err;
    }
    this.journal = journal;
    this.db.data.rooms = [...this.byId.values()];
    return this.db.data.rooms;
  }

  /** Resolves once the new entry is on disk. */
  add(entry: CatalogEntry): Promise<void> {
    return this.enqueue({ put: entry });
  }

  /** Writes an entry the caller changed; `undo` puts the entry back if the write fails. */
  save(entry: CatalogEntry, undo: () => void): Promise<void> {
    return this.enqueue({ put: entry }, undo);
  }

  /** Drops an entry; it stays if the write fails. */
  remove(entry: CatalogEntry): Promise<void> {
    return this.enqueue({ del: entry.id });
  }

  /** Folds the journal into the snapshot (after a clean stop rooms.json alone is the whole catalog) and closes it. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.journal && this.journalChanges > 0) await this.compact().catch(() => {});
    await this.journal?.close();
    this.journal = undefined;
  }

  /** Changes made together share one write, and only one write runs at a time, so a failed write's changes never
   *  reach the file through a later one. */
  private enqueue(change: Change, undo?: () => void): Promise<void> {
    // The line is taken now: the entry as it is after this change.
    const line = `${JSON.stringify(change)}\n`;
    return new Promise((resolve, reject) => {
      this.queue.push({ line, change, resolve, reject, ...(undo && { undo }) });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      try {
        if (!this.journal) throw new Error('the catalog is closed');
        const data = Buffer.from(group.map((g) => g.line).join(''), 'utf8');
        try {
          await writeAt(this.journal, data, this.journalSize);
          if (this.options.fsync) await this.journal.datasync();
        } catch (err) {
          // Leave no partial line behind: a later write must start on a line of its own.
          await this.journal.truncate(this.journalSize).catch(() => {});
          throw err;
        }
        this.journalSize += data.length;
        this.journalChanges += group.length;
        for (const g of group) this.apply(g.change);
        for (const g of group) g.resolve();
      } catch (err) {
        const error = new StoreError('unavailable', `Could not write the room catalog ${this.journalPath}: ${(err as Error).message}`, {
          cause: err,
        });
        for (const g of [...group].reverse()) g.undo?.();
        for (const g of group) g.reject(error);
      }
      if (this.journalChanges >= Math.max(COMPACT_AFTER, this.byId.size)) await this.compact().catch(() => {});
    }
    this.writing = undefined;
  }

  /** Writes the snapshot (lowdb: a temp file and a rename, never torn), then empties the journal. A failure leaves
   *  the journal as it was: the next start replays it. */
  private async compact(): Promise<void> {
    this.db.data.rooms = [...this.byId.values()];
    await this.db.write();
    await this.journal!.truncate(0);
    if (this.options.fsync) await this.journal!.datasync();
    this.journalSize = 0;
    this.journalChanges = 0;
  }

  private apply(change: Change): void {
    if ('put' in change) this.byId.set(change.put.id, change.put);
    else this.byId.delete(change.del);
  }
}

/** Changes the journal holds at least before it is folded into the snapshot. */
const COMPACT_AFTER = 1000;

function parseChange(line: string): Change | undefined {
  try {
    const change = JSON.parse(line) as Change;
    if (change && typeof change === 'object') {
      if ('put' in change && typeof change.put?.id === 'string') return change;
      if ('del' in change && typeof change.del === 'string') return change;
    }
  } catch {
    // reported by the caller
  }
  return undefined;
}
