// Bounds the room files a store keeps open: a room takes descriptors before it opens its files, and rooms nobody is
// using close theirs, least recently used first, when another room needs them.
import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_OPEN_FILES } from '../../api/limits.js';

/**
 * The rooms' share of this process's open-file limit when none is given: a quarter of it (the rest is for sockets,
 * every stream and long-poll holds one), read from /proc/self/limits after Node has raised the soft limit to the hard
 * one; DEFAULT_MAX_OPEN_FILES (a quarter of the usual 1024) where that cannot be read. A room's files that must be
 * reopened for each send cost several times the send itself, so rooms in use should all fit.
 */
export function defaultMaxOpenFiles(): number {
  return openFileShare(readLimits());
}

/** A quarter of the soft limit in a /proc/PID/limits text; DEFAULT_MAX_OPEN_FILES without one. */
export function openFileShare(limits: string | undefined): number {
  const soft = /^Max open files\s+(\d+)/m.exec(limits ?? '')?.[1];
  return soft === undefined ? DEFAULT_MAX_OPEN_FILES : Math.max(2, Math.floor(Number(soft) / 4));
}

function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/** A room whose files the pool may close. */
export interface PooledFiles {
  /** Starts closing the files if nothing is using them and returns how many descriptors that frees (the room calls
   *  `release(room, n, true)` once they are closed); 0 when they are in use and stay open. */
  closeIfIdle(): number;
}

export class HandlePool {
  /** Descriptors taken and not yet given back (files open or closing). */
  private used = 0;
  /** Descriptors whose files are closing: given back soon. */
  private closing = 0;
  /** Rooms with open files, least recently used first. */
  private readonly open = new Map<PooledFiles, number>();
  private waiting: (() => void)[] = [];

  constructor(
    /** Most descriptors the room files may hold at once (a compaction or redaction briefly holds 2 more). */
    readonly limit: number,
  ) {
    if (!(limit >= 2)) throw new RangeError('The open-file limit must be at least 2 (one room).');
  }

  /** Descriptors held now. */
  get inUse(): number {
    return this.used;
  }

  /** Takes `n` descriptors for `room`, closing idle rooms' files if needed, and waiting while every open room is busy. */
  async take(room: PooledFiles, n: number): Promise<void> {
    while (this.used + n > this.limit) {
      this.closeIdle(n);
      if (this.used + n <= this.limit) break;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.used += n;
    this.open.set(room, (this.open.get(room) ?? 0) + n);
  }

  /** Takes `n` at once, past the limit if it must: for temp files of a room that already holds its own (waiting there
   *  could deadlock rooms that each hold files and wait for more). Idle rooms are closed to get back under it. */
  takeNow(room: PooledFiles, n: number): void {
    this.used += n;
    this.open.set(room, (this.open.get(room) ?? 0) + n);
    this.closeIdle(0);
  }

  /** Marks the room as just used (the last to be closed). */
  touch(room: PooledFiles): void {
    const held = this.open.get(room);
    if (held === undefined) return;
    this.open.delete(room);
    this.open.set(room, held);
  }

  /** The room is no longer busy: a waiting room may close it now. */
  idle(): void {
    if (this.waiting.length > 0) this.wake();
  }

  /** `n` of the room's descriptors are closed (or were never opened). */
  release(room: PooledFiles, n: number, wasClosing = false): void {
    this.used -= n;
    if (wasClosing) this.closing -= n;
    const held = (this.open.get(room) ?? 0) - n;
    if (held > 0) this.open.set(room, held);
    else this.open.delete(room);
    this.wake();
  }

  /** Closes idle rooms, least recently used first, until `n` more fit once the closes finish. */
  private closeIdle(n: number): void {
    let left = this.open.size;
    for (const [room, held] of this.open) {
      if (this.used - this.closing + n <= this.limit || left-- === 0) return;
      this.closing += room.closeIfIdle();
      // Closing now or in use: either way the next look for an idle room starts past it (walking past the same busy
      // or closing rooms again on every open is quadratic). Moved to the end, it is met again only after every other
      // room: `left` stops the walk there.
      this.open.delete(room);
      this.open.set(room, held);
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
