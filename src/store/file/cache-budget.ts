// The bytes that all rooms' in-memory windows may hold together: past it, the least recently written rooms give theirs up.
import type { MessageWindow } from './message-window.js';

export class CacheBudget {
  private total = 0;
  /** Each window's bytes, least recently charged first. */
  private readonly holders = new Map<MessageWindow, number>();

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  /** Records that `window` now holds `bytes`, then empties the least recently written windows until all fit. */
  charge(window: MessageWindow, bytes: number): void {
    this.total += bytes - (this.holders.get(window) ?? 0);
    this.holders.delete(window);
    if (bytes > 0) this.holders.set(window, bytes);
    for (const [oldest, held] of this.holders) {
      if (this.total <= this.maxBytes || oldest === window) break;
      this.holders.delete(oldest);
      this.total -= held;
      oldest.evict();
    }
  }
}
