// The newest messages of one room kept in memory for reads, bounded by count, by bytes, and by a budget shared by all rooms.
import type { Message } from '../../api/types.js';
import type { CacheBudget } from './cache-budget.js';
import { messageJson } from '../message-json.js';

/** What a message costs the cache: the length of its JSON text (the message object holds about as much again). */
const sizeOf = (m: Message): number => messageJson(m).length;

export class MessageWindow {
  /** Oldest first, contiguous in seq, always ending at the room's newest message (or empty). */
  private messages: Message[] = [];
  private held = 0;

  constructor(
    /** Messages kept; the window grows to twice this before it is cut back, so a cut is rare. */
    private readonly maxCount: number,
    private readonly maxBytes: number,
    private readonly budget?: CacheBudget,
  ) {}

  get firstSeq(): number | undefined {
    return this.messages[0]?.seq;
  }

  get bytes(): number {
    return this.held;
  }

  /** Adds the newest messages (the seqs right after the window's last). */
  add(messages: readonly Message[]): void {
    if (this.maxCount <= 0 || this.maxBytes <= 0) return;
    for (const m of messages) {
      this.messages.push(m);
      this.held += sizeOf(m);
    }
    let drop = this.messages.length > 2 * this.maxCount ? this.messages.length - this.maxCount : 0;
    let bytes = this.held;
    for (let i = 0; i < drop; i++) bytes -= sizeOf(this.messages[i]!);
    while (bytes > this.maxBytes && drop < this.messages.length) bytes -= sizeOf(this.messages[drop++]!);
    if (drop > 0) {
      this.messages = this.messages.slice(drop);
      this.held = bytes;
    }
    this.budget?.charge(this, this.held);
  }

  /** Swaps in a changed copy of a message the window holds (a redaction); a message outside it is not added. */
  replace(message: Message): void {
    const i = message.seq - (this.firstSeq ?? 0);
    const old = this.messages[i];
    if (old === undefined || old.seq !== message.seq) return;
    this.messages[i] = message;
    this.held += sizeOf(message) - sizeOf(old);
    this.budget?.charge(this, this.held);
  }

  /** Forgets the messages before `seq` (dropped by retention). */
  dropBefore(seq: number): void {
    const first = this.firstSeq;
    if (first === undefined || first >= seq) return;
    const drop = Math.min(seq - first, this.messages.length);
    for (let i = 0; i < drop; i++) this.held -= sizeOf(this.messages[i]!);
    this.messages = this.messages.slice(drop);
    this.budget?.charge(this, this.held);
  }

  /** The messages with seqs first..last, which the caller has checked are in the window. */
  slice(first: number, last: number): Message[] {
    const at = this.firstSeq ?? 0;
    return this.messages.slice(first - at, last - at + 1);
  }

  /** Empties the window without telling the budget: for the budget itself, when it takes the memory back. */
  evict(): void {
    this.messages = [];
    this.held = 0;
  }

  /** Empties the window and gives its memory back to the budget. */
  clear(): void {
    this.evict();
    this.budget?.charge(this, 0);
  }
}
