// One room's append-only JSON Lines log: group-committed appends, seq-indexed reads, retention, live listeners; its
// files open only while the handle pool lets them.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Message } from '../../api/types.js';
import { StoreError } from '../errors.js';
import { INDEX_ENTRY, getOffset, putOffset, readAt, truncateSync, writeAtSync } from './file-io.js';
import type { CommitTurn } from './commit-turn.js';
import { compactLog } from './log-compaction.js';
import { rememberJson } from '../message-json.js';
import type { HandlePool, PooledFiles } from './handle-pool.js';
import { recoverLog, type RecoveredLog } from './log-recovery.js';
import type { MessageWindow } from './message-window.js';
import { redactedCopy } from '../redaction.js';
import type { RoomEvents } from '../room-events.js';
import type { NewMessage, Retention, Warn } from '../store.js';


export interface RoomLogOptions {
  /** fdatasync each group commit before acknowledging it (survives power loss, not only a process crash). */
  fsync: boolean;
  /** The recent messages kept in memory to answer reads without touching the disk. */
  window: MessageWindow;
  retention: Retention;
  logPath: string;
  indexPath: string;
  warn: Warn;
  /** Bounds the files open across all rooms. */
  pool: HandlePool;
  /** The write turn shared by all rooms of the store. */
  turn: CommitTurn;
  /** The room's listeners: told of each group commit and each redaction. */
  events: RoomEvents;
}

/** What a room's log holds, enough to list the room and append to it without reading its files. */
export interface LogState {
  /** Bytes of committed lines. */
  size: number;
  /** Seqs before the log's first line. */
  base: number;
  /** Messages in the log. */
  count: number;
  /** createdAt of the newest message. */
  lastAt?: string | undefined;
}

/**
 * One generation of a room's files. Compaction swaps in a new one; a read holds the generation it started with, so
 * it sees the old files or the new ones whole, and the old handles close only when their last reader is done.
 */
interface Files {
  log: FileHandle;
  index: FileHandle;
  /** Seqs before the log's first line: already removed from the files by compaction. */
  base: number;
  readers: number;
  retired: boolean;
}

const closeFiles = (f: Files) => Promise.allSettled([f.log.close(), f.index.close()]).then(() => {});
const closedError = () => new StoreError('unavailable', 'The store is shutting down.');

interface Pending {
  messages: Message[];
  /** Each message's JSON text, one log line without its newline. */
  texts: string[];
  resolve: (messages: Message[]) => void;
  reject: (err: Error) => void;
}

interface Redaction {
  seq: number;
  resolve: (message: Message | undefined) => void;
  reject: (err: Error) => void;
}

let isoAt = 0;
let isoText = '';
/** The current time as ISO 8601, formatted once per millisecond: under load many sends share one, and formatting a
 *  Date costs more than the rest of building a message. */
function isoNow(): string {
  const now = Date.now();
  if (now !== isoAt) {
    isoAt = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * The group's log lines as UTF-8 bytes, and each line's index entry (its offset, counted from `at`; every entry but
 * the last marked as not ending the group, so recovery keeps the group whole or drops it whole). The bytes are
 * written into one buffer shared by every room, which is safe because each commit hands them to the kernel with a
 * synchronous write before the next can start: no join of the lines, no second pass to measure them, no allocation.
 */
function encodeLines(batch: readonly Pending[], at: number): { data: Buffer; entries: Buffer; count: number } {
  let count = 0;
  let bound = 0;
  for (const p of batch) {
    count += p.texts.length;
    for (const t of p.texts) bound += t.length * 3 + 1; // a UTF-16 unit is at most 3 bytes of UTF-8
  }
  if (scratch.length < bound) scratch = Buffer.allocUnsafe(Math.max(bound, scratch.length * 2));
  const entries = Buffer.allocUnsafe(count * INDEX_ENTRY);
  let pos = 0;
  let i = 0;
  for (const p of batch) {
    for (const t of p.texts) {
      putOffset(entries, i, at + pos, ++i < count);
      pos += scratch.write(t, pos, 'utf8');
      scratch[pos++] = 0x0a;
    }
  }
  return { data: scratch.subarray(0, pos), entries, count };
}

/** Dropped bytes worth rewriting the log for: at least this much, and at least half the file. */
const COMPACT_MIN_BYTES = 1 << 20;

export class RoomLog implements PooledFiles {
  /** The current generation of files while they are open; undefined while the pool has them closed. */
  private files: Files | undefined;
  /** Opens the files (and, the first time since start, recovers them); shared by everyone who needs them meanwhile. */
  private opening: Promise<void> | undefined;
  /** The files went through recovery since this process started: from then on this object's state is the truth. */
  private recovered = false;
  /** Whether size, last and the rest are known: from recovery, or from the state saved at the last clean stop. */
  private known: boolean;
  /** Bytes of the current log. */
  private size = 0;
  /** Seqs before the current log's first line. */
  private base = 0;
  /** The newest durable seq. */
  private last = 0;
  /** The oldest seq still readable; retention moves it forward before compaction removes the bytes. */
  private first = 1;
  private nextSeq = 1;
  private lastAt: string | undefined;
  private queue: Pending[] = [];
  private redactions: Redaction[] = [];
  /** Redactions done since the room was opened: a disk read that sees it change may hold a line rewritten meanwhile. */
  private redactionsDone = 0;
  private retentionDue = false;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly window: MessageWindow;

  /** Opens no file: with `state` (saved at a clean stop) the room can be listed at once; its files are recovered at
   *  first use either way. */
  constructor(
    readonly roomId: string,
    state: LogState | undefined,
    private readonly options: RoomLogOptions,
  ) {
    this.window = options.window;
    this.known = state !== undefined;
    if (state) this.setState(state);
  }

  private setState(state: LogState): void {
    this.size = state.size;
    this.base = state.base;
    this.last = state.base + state.count;
    this.first = state.base + 1;
    this.nextSeq = this.last + 1;
    this.lastAt = state.lastAt;
    this.dropByCount();
  }

  /** The state to save at a clean stop; undefined when it is not known (the room was never recovered). */
  get state(): LogState | undefined {
    if (!this.known) return undefined;
    return { size: this.size, base: this.base, count: this.last - this.base, ...(this.lastAt !== undefined && { lastAt: this.lastAt }) };
  }

  /** Whether the room can be described without reading its files. */
  get isKnown(): boolean {
    return this.known;
  }

  /** Recovers the files if this process has not yet (a no-op after that); throws what recovery throws. */
  async ready(): Promise<void> {
    if (!this.recovered) this.releaseFiles(await this.acquire());
  }

  /** The current files, opened (and recovered the first time) if they are closed, counted as in use until
   *  releaseFiles. Waits for the pool while every descriptor it allows is in use. */
  private async acquire(): Promise<Files> {
    for (;;) {
      if (this.closed) throw closedError();
      const files = this.hold();
      if (files) return files;
      await (this.opening ??= this.openFiles().finally(() => (this.opening = undefined)));
    }
  }

  /** The current files if they are open, counted as in use until releaseFiles; at once, without a turn of the loop. */
  private hold(): Files | undefined {
    const files = this.closed ? undefined : this.files;
    if (!files) return undefined;
    files.readers += 1;
    this.options.pool.touch(this);
    return files;
  }

  private releaseFiles(files: Files): void {
    files.readers -= 1;
    if (files.readers > 0) return;
    if (files.retired) void this.closeGeneration(files);
    else this.options.pool.idle();
  }

  private async openFiles(): Promise<void> {
    const { pool, logPath, indexPath, warn } = this.options;
    await pool.take(this, 2);
    let log: FileHandle | undefined;
    let index: FileHandle | undefined;
    try {
      if (!this.recovered) {
        const recovered = await recoverLog(logPath, indexPath, warn);
        ({ log, index } = recovered);
        this.adopt(recovered);
      } else {
        // Recovered already and written only by this process since: the files are as this object says.
        log = await open(logPath, constants.O_RDWR);
        index = await open(indexPath, constants.O_RDWR);
      }
    } catch (err) {
      await Promise.allSettled([log?.close(), index?.close()]);
      pool.release(this, 2);
      throw err;
    }
    this.files = { log, index, base: this.base, readers: 0, retired: false };
    if (this.closed) await this.closeGeneration(this.files);
  }

  /** Takes what recovery found; it wins over a state saved at the last stop (which should say the same). */
  private adopt(recovered: RecoveredLog): void {
    const state = { size: recovered.size, base: recovered.base, count: recovered.count, lastAt: recovered.last?.createdAt };
    const saved = this.state;
    if (saved && (saved.size !== state.size || saved.base !== state.base || saved.count !== state.count)) {
      this.options.warn(`room ${this.roomId}: its files hold ${state.count} message(s) past seq ${state.base}, not what the last stop saved; using the files`);
    }
    this.setState(state);
    this.recovered = true;
    this.known = true;
    this.enforceRetention();
  }

  /** For the pool: closes the files if no read, write or compaction is using them. */
  closeIfIdle(): number {
    const files = this.files;
    if (!files || files.readers > 0) return 0;
    this.files = undefined;
    void closeFiles(files).then(() => this.options.pool.release(this, 2, true));
    return 2;
  }

  private async closeGeneration(files: Files): Promise<void> {
    if (this.files === files) this.files = undefined;
    await closeFiles(files);
    this.options.pool.release(this, 2);
  }

  /** Seq of the newest durable message; 0 for a room that never had one. */
  get lastSeq(): number {
    return this.last;
  }

  get messageCount(): number {
    return Math.max(0, this.last - this.first + 1);
  }

  get lastActivityAt(): string | undefined {
    return this.lastAt;
  }

  /** Queues the messages for the next group commit; resolves when all of them are written, rejects if none is. */
  append(inputs: readonly NewMessage[]): Promise<Message[]> {
    if (this.closed) return Promise.reject(closedError());
    // Seqs are handed out from what recovery found: until then, wait (appends made meanwhile keep their order).
    if (!this.recovered) return this.ready().then(() => this.append(inputs));
    const createdAt = isoNow();
    const messages: Message[] = [];
    const texts: string[] = [];
    let seq = this.nextSeq;
    for (const input of inputs) {
      const message: Message = { id: randomUUID(), seq: seq++, roomId: this.roomId, ...input, createdAt };
      const json = JSON.stringify(message);
      rememberJson(message, json);
      messages.push(message);
      texts.push(json);
    }
    // Taken only once every line is built, so a message that cannot be serialised leaves no gap.
    this.nextSeq = seq;
    return this.enqueue(messages, texts);
  }

  /**
   * Queues messages that keep their id, seq and times (a migration): the first must be the next seq, or any seq in a
   * room that never held a message (its older ones were dropped by retention where they come from).
   */
  import(messages: readonly Message[]): Promise<Message[]> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.recovered) return this.ready().then(() => this.import(messages));
    const first = messages[0]?.seq;
    if (first === undefined) return Promise.resolve([]);
    const empty = this.last === 0 && this.size === 0 && this.nextSeq === 1 && Number.isSafeInteger(first) && first > 1;
    const next = empty ? first : this.nextSeq;
    const texts: string[] = [];
    for (const [i, m] of messages.entries()) {
      if (m.seq !== next + i || m.roomId !== this.roomId) {
        return Promise.reject(new StoreError('conflict', `Room ${this.roomId} expects seq ${next + i} next, not message ${m.seq} of room ${m.roomId}.`));
      }
      const json = JSON.stringify(m);
      rememberJson(m, json);
      texts.push(json);
    }
    // Only a batch that is accepted moves an empty room's start.
    if (empty) {
      this.base = this.last = first - 1;
      if (this.files) this.files.base = this.base;
      this.first = first;
    }
    this.nextSeq = next + messages.length;
    return this.enqueue([...messages], texts);
  }

  private enqueue(messages: Message[], texts: string[]): Promise<Message[]> {
    return new Promise<Message[]>((resolve, reject) => {
      this.queue.push({ messages, texts, resolve, reject });
      this.wake();
    });
  }

  /** Queues a redaction for the writer, so it never races a group commit or a compaction (see Store.redact). */
  redact(seq: number): Promise<Message | undefined> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.recovered) return this.ready().then(() => this.redact(seq));
    return new Promise((resolve, reject) => {
      this.redactions.push({ seq, resolve, reject });
      this.wake();
    });
  }

  /** Applies the retention policy soon, in the writer, so it never races a write. */
  enforceRetention(): void {
    const { maxMessages, maxAgeMs } = this.options.retention;
    if (maxMessages === undefined && maxAgeMs === undefined) return;
    // A room not yet recovered gets its turn when it is (recovery calls this).
    if (!this.recovered) return;
    this.dropByCount();
    this.retentionDue = true;
    this.wake();
  }

  /** Starts the writer in the store's next write turn (see CommitTurn), unless it is running: every request parsed
   *  in this event-loop turn joins the same group commit, and every room with work commits in the same pass. */
  private wake(): void {
    this.flushing ??= new Promise<void>((done, fail) => this.options.turn.join(() => void this.flush().then(done, fail)));
  }

  /** The single writer: group commits, then retention, until there is nothing left to do. */
  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.redactions.length > 0 || this.retentionDue) {
        if (this.queue.length > 0) await this.commit();
        // One redaction after each group commit: sends that keep arriving (each commit waits on the disk with fsync)
        // must not hold a redaction back for ever, nor a run of redactions the sends.
        const redaction = this.redactions.shift();
        if (redaction) await this.rewriteRedacted(redaction.seq).then(redaction.resolve, redaction.reject);
        else if (this.queue.length === 0 && this.retentionDue) {
          this.retentionDue = false;
          await this.retain().catch(() => {
            // A failed compaction leaves the old files in place; it is tried again at the next retention.
          });
        }
      }
    } finally {
      // Whatever happened, the next append starts a new writer instead of waiting on this one forever.
      this.flushing = undefined;
    }
  }

  private async commit(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    // Open files are written in this pass of the turn; only a room whose files are closed waits for them.
    let files = this.hold();
    if (!files) {
      try {
        files = await this.acquire();
      } catch (err) {
        this.rollBack(batch, err as NodeJS.ErrnoException);
        return;
      }
    }
    const { log, index } = files;
    try {
      const { data, entries, count } = encodeLines(batch, this.size);
      // The log first, then the index entries that commit it: a crash in between leaves lines that no complete
      // group covers, which recovery drops. With fsync, the log is on disk before its commit record is written.
      writeAtSync(log, data, this.size);
      if (this.options.fsync) await log.datasync();
      writeAtSync(index, entries, this.indexBytes());
      if (this.options.fsync) await index.datasync();
      this.size += data.length;
      this.last += count;
    } catch (err) {
      this.rollBack(batch, err as NodeJS.ErrnoException, files);
      return;
    } finally {
      this.releaseFiles(files);
    }
    const written = batch.flatMap((p) => p.messages);
    this.lastAt = written.at(-1)?.createdAt ?? this.lastAt;
    this.window.add(written);
    this.dropByCount();
    for (const p of batch) p.resolve(p.messages);
    this.options.events.messages(written);
    if (this.options.retention.maxMessages !== undefined || this.options.retention.maxAgeMs !== undefined) this.retentionDue = true;
  }

  /** Count retention takes effect at once (no read needed), so no reader ever sees more than maxMessages. */
  private dropByCount(): void {
    const { maxMessages } = this.options.retention;
    if (maxMessages === undefined) return;
    this.first = Math.max(this.first, this.last - maxMessages + 1);
    this.window.dropBefore(this.first);
  }

  private indexBytes(): number {
    return (this.last - this.base) * INDEX_ENTRY;
  }

  /** A failed write fails its batch and everything queued behind it, and leaves the files as they were. */
  private rollBack(batch: Pending[], err: NodeJS.ErrnoException, files?: Files): void {
    const failed = batch.concat(this.queue);
    this.queue = [];
    this.nextSeq = this.last + 1;
    if (err instanceof StoreError) {
      // The files could not be opened (shutting down, corrupt, out of descriptors): nothing was written.
      for (const p of failed) p.reject(err);
      return;
    }
    for (const [fh, length] of files ? ([[files.log, this.size], [files.index, this.indexBytes()]] as const) : []) {
      try {
        truncateSync(fh, length);
      } catch {
        // Nothing more to do: recovery trims whatever a failed write left, and nothing of it was acknowledged.
      }
    }
    const error = new StoreError('unavailable', `Could not write the room log (${err.code ?? err.message}); nothing was stored.`, {
      cause: err,
    });
    for (const p of failed) p.reject(error);
  }

  /** Moves `first` past what the policy drops, then rewrites the files once enough bytes are dead. */
  private async retain(): Promise<void> {
    const { maxAgeMs } = this.options.retention;
    this.dropByCount();
    let first = this.first;
    if (maxAgeMs !== undefined) first = Math.max(first, await this.firstNewerThan(new Date(Date.now() - maxAgeMs).toISOString(), first));
    this.first = Math.min(first, this.last + 1);
    this.window.dropBefore(this.first);

    // The newest message always stays on disk, so the next seq is known after a restart.
    const keepFrom = Math.min(this.first, this.last);
    if (keepFrom <= this.base + 1) return;
    const old = await this.acquire();
    try {
      const cut = await offsetIn(old, keepFrom);
      if (cut < COMPACT_MIN_BYTES || cut < this.size / 2) return;
      const compacted = await this.withTempFiles(() => compactLog({
      log: old.log,
      index: old.index,
      logPath: this.options.logPath,
      indexPath: this.options.indexPath,
      cut,
      size: this.size,
      fromEntry: keepFrom - old.base - 1,
      entries: this.last - keepFrom + 1,
    }));
      // Swapped in one step, so a read sees either generation with its own size and base.
      this.base = keepFrom - 1;
      this.files = { ...compacted, base: this.base, readers: 0, retired: false };
      this.size -= cut;
      old.retired = true;
    } finally {
      this.releaseFiles(old);
    }
  }

  /** Runs a rewrite that opens two temp files that become the room's files: counted by the pool from the start,
   *  and given back if the rewrite fails (it closes them). The old files are closed when their last user is done. */
  private async withTempFiles<T>(rewrite: () => Promise<T>): Promise<T> {
    this.options.pool.takeNow(this, 2);
    try {
      return await rewrite();
    } catch (err) {
      this.options.pool.release(this, 2);
      throw err;
    }
  }

  /**
   * Rewrites the log with the message's line replaced by its redacted copy (the compaction's temp files, sync and
   * renames, so a crash leaves the old files or the new ones), then updates the window and tells the listeners.
   */
  private async rewriteRedacted(seq: number): Promise<Message | undefined> {
    if (!Number.isSafeInteger(seq) || seq < this.first || seq > this.last) return undefined;
    const old = await this.acquire();
    try {
      return await this.rewriteWith(old, seq);
    } finally {
      this.releaseFiles(old);
    }
  }

  private async rewriteWith(old: Files, seq: number): Promise<Message | undefined> {
    const start = await offsetIn(old, seq);
    const end = seq < this.last ? await offsetIn(old, seq + 1) : this.size;
    const message = JSON.parse((await readAt(old.log, start, end - start)).toString('utf8')) as Message;
    if (message.redacted) return message;
    const redacted = redactedCopy(message, new Date().toISOString());
    const json = JSON.stringify(redacted);
    rememberJson(redacted, json);
    const line = Buffer.from(`${json}\n`, 'utf8');
    let compacted;
    try {
      compacted = await this.withTempFiles(() => compactLog({
        log: old.log,
        index: old.index,
        logPath: this.options.logPath,
        indexPath: this.options.indexPath,
        cut: 0,
        size: this.size,
        fromEntry: 0,
        entries: this.last - old.base,
        replace: { start, end, line },
      }));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new StoreError('unavailable', `Could not rewrite the room log (${e.code ?? e.message}); the message was not redacted.`, { cause: err });
    }
    this.files = { ...compacted, base: old.base, readers: 0, retired: false };
    this.size += line.length - (end - start);
    old.retired = true;
    this.window.replace(redacted);
    this.redactionsDone++;
    this.options.events.redacted(redacted);
    return redacted;
  }


  /** The lowest seq in [from, last] created at or after `cutoff` (createdAt only grows), or last + 1. */
  private async firstNewerThan(cutoff: string, from: number): Promise<number> {
    let lo = from;
    let hi = this.last + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [m] = await this.read(mid - 1, 1);
      if (m && m.createdAt < cutoff) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async read(after: number | undefined, limit: number): Promise<Message[]> {
    if (!this.recovered) await this.ready();
    const from = Math.max(this.first - 1, after ?? this.last - limit);
    const first = from + 1;
    const last = Math.min(from + limit, this.last);
    if (first > last) return [];
    const windowFirst = this.window.firstSeq;
    if (windowFirst !== undefined && first >= windowFirst) return this.window.slice(first, last);
    // A redaction answered while this read had the old files may have rewritten a line it holds: read again, so no read
    // answered after a redaction's 200 carries the old text. Costs a read one number compare.
    const done = this.redactionsDone;
    const page = await this.readFromDisk(first, last);
    return done === this.redactionsDone ? page : this.read(after, limit);
  }

  private async readFromDisk(first: number, last: number): Promise<Message[]> {
    // Everything this read needs is taken in one step: the files of this generation, and where the log ends.
    let files = await this.acquire();
    while (files !== this.files) {
      // A compaction swapped the files while this read waited for them: take the new ones.
      this.releaseFiles(files);
      files = await this.acquire();
    }
    const end = last < this.last ? undefined : this.size;
    let text: string;
    try {
      const start = await offsetIn(files, first);
      const stop = end ?? (await offsetIn(files, last + 1));
      text = (await readAt(files.log, start, stop - start)).toString('utf8');
    } finally {
      this.releaseFiles(files);
    }
    const messages: Message[] = [];
    for (let i = 0; i < text.length; ) {
      const nl = text.indexOf('\n', i);
      const json = text.slice(i, nl);
      const message = JSON.parse(json) as Message;
      rememberJson(message, json);
      messages.push(message);
      i = nl + 1;
    }
    return messages;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing.catch(() => {});
    this.options.events.clear();
    this.window.clear();
    while (this.opening) await this.opening.catch(() => {});
    const files = this.files;
    if (files) {
      files.retired = true;
      if (files.readers === 0) await this.closeGeneration(files);
    }
  }
}

/** The byte offset in the generation's log of the message with this seq. */
async function offsetIn(files: Files, seq: number): Promise<number> {
  return getOffset(await readAt(files.index, (seq - files.base - 1) * INDEX_ENTRY, INDEX_ENTRY), 0);
}
