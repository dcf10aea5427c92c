// One room's append-only JSON Lines log: group-committed appends, seq-indexed reads, live listeners.
import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Message, MessageInput } from '../api/types.js';
import { StoreError } from './errors.js';
import { INDEX_ENTRY, getOffset, putOffset, readAt, writeAt } from './file-io.js';
import type { RecoveredLog } from './log-recovery.js';
import type { MessageListener } from './store.js';

export interface RoomLogOptions {
  /** fdatasync each group commit before acknowledging it (survives power loss, not only a process crash). */
  fsync: boolean;
  /** How many recent messages stay in memory to answer reads without touching the disk. */
  windowSize: number;
}

interface Pending {
  messages: Message[];
  lines: string[];
  resolve: (messages: Message[]) => void;
  reject: (err: Error) => void;
}

export class RoomLog {
  private readonly log: FileHandle;
  private readonly index: FileHandle;
  private size: number;
  private count: number;
  private nextSeq: number;
  private lastAt: string | undefined;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** The newest durable messages, oldest first, contiguous in seq. */
  private window: Message[] = [];
  private readonly listeners = new Set<MessageListener>();

  constructor(
    readonly roomId: string,
    recovered: RecoveredLog,
    private readonly options: RoomLogOptions,
  ) {
    this.log = recovered.log;
    this.index = recovered.index;
    this.size = recovered.size;
    this.count = recovered.count;
    this.nextSeq = recovered.count + 1;
    this.lastAt = recovered.last?.createdAt;
  }

  /** Durable messages: their seqs are 1..lastSeq. */
  get lastSeq(): number {
    return this.count;
  }

  get lastActivityAt(): string | undefined {
    return this.lastAt;
  }

  /** Queues the messages for the next group commit; resolves when all of them are written, rejects if none is. */
  append(inputs: readonly MessageInput[]): Promise<Message[]> {
    if (this.closed) return Promise.reject(new StoreError('unavailable', 'The store is shutting down.'));
    const createdAt = new Date().toISOString();
    const messages: Message[] = [];
    const lines: string[] = [];
    let seq = this.nextSeq;
    for (const input of inputs) {
      const message: Message = { id: randomUUID(), seq: seq++, roomId: this.roomId, ...input, createdAt };
      messages.push(message);
      lines.push(JSON.stringify(message) + '\n');
    }
    // Taken only once every line is built, so a message that cannot be serialised leaves no gap.
    this.nextSeq = seq;
    return new Promise<Message[]>((resolve, reject) => {
      this.queue.push({ messages, lines, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const lines = batch.flatMap((p) => p.lines);
      const data = Buffer.from(lines.join(''), 'utf8');
      const entries = Buffer.allocUnsafe(lines.length * INDEX_ENTRY);
      let offset = this.size;
      lines.forEach((line, i) => {
        putOffset(entries, i, offset);
        offset += Buffer.byteLength(line, 'utf8');
      });
      try {
        // Both files at once; on any failure both are cut back (rollBack), so order does not matter.
        await Promise.all([writeAt(this.log, data, this.size), writeAt(this.index, entries, this.count * INDEX_ENTRY)]);
        if (this.options.fsync) await Promise.all([this.log.datasync(), this.index.datasync()]);
      } catch (err) {
        await this.rollBack(batch, err as NodeJS.ErrnoException);
        continue;
      }
      this.size += data.length;
      this.count += lines.length;
      const written = batch.flatMap((p) => p.messages);
      this.lastAt = written.at(-1)?.createdAt ?? this.lastAt;
      this.remember(written);
      for (const p of batch) p.resolve(p.messages);
      for (const listener of this.listeners) listener(written);
    }
    this.flushing = undefined;
  }

  /** A failed write fails its batch and everything queued behind it, and leaves the files as they were. */
  private async rollBack(batch: Pending[], err: NodeJS.ErrnoException): Promise<void> {
    const failed = batch.concat(this.queue);
    this.queue = [];
    this.nextSeq = this.count + 1;
    await Promise.allSettled([this.log.truncate(this.size), this.index.truncate(this.count * INDEX_ENTRY)]);
    const error = new StoreError('unavailable', `Could not write the room log (${err.code ?? err.message}); nothing was stored.`, {
      cause: err,
    });
    for (const p of failed) p.reject(error);
  }

  private remember(messages: Message[]): void {
    const max = this.options.windowSize;
    if (max <= 0) return;
    this.window.push(...messages);
    if (this.window.length > 2 * max) this.window = this.window.slice(-max);
  }

  async read(after: number | undefined, limit: number): Promise<Message[]> {
    const from = Math.max(0, after ?? this.count - limit);
    const first = from + 1;
    const last = Math.min(from + limit, this.count);
    if (first > last) return [];
    const windowFirst = this.window[0]?.seq;
    if (windowFirst !== undefined && first >= windowFirst) {
      return this.window.slice(first - windowFirst, last - windowFirst + 1);
    }
    return this.readFromDisk(first, last);
  }

  private async readFromDisk(first: number, last: number): Promise<Message[]> {
    const offsetOf = async (seq: number) => getOffset(await readAt(this.index, (seq - 1) * INDEX_ENTRY, INDEX_ENTRY), 0);
    const start = await offsetOf(first);
    const end = last < this.count ? await offsetOf(last + 1) : this.size;
    const text = (await readAt(this.log, start, end - start)).toString('utf8');
    const messages: Message[] = [];
    for (let i = 0; i < text.length; ) {
      const nl = text.indexOf('\n', i);
      messages.push(JSON.parse(text.slice(i, nl)) as Message);
      i = nl + 1;
    }
    return messages;
  }

  subscribe(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    this.listeners.clear();
    await Promise.allSettled([this.log.close(), this.index.close()]);
  }
}
