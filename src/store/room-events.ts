// One room's listeners (new messages, redactions, the room's deletion), kept and called the same way by every store.
import type { Message } from '../api/types.js';
import type { Warn } from './store.js';
import type { MessageListener, RedactListener } from './store.js';

/**
 * The listener bookkeeping of one room. Each `on…` returns its unsubscribe function; a listener that throws is named
 * in a warning and never stops the others, nor the writer that made the event. `whenIdle` runs when the last listener
 * of any kind unsubscribes (the Redis store then stops watching the room).
 */
export class RoomEvents {
  private readonly messageListeners = new Set<MessageListener>();
  private readonly redactListeners = new Set<RedactListener>();
  private readonly deleteListeners = new Set<() => void>();

  constructor(
    readonly roomId: string,
    private readonly warn: Warn,
    private readonly whenIdle?: () => void,
  ) {}

  /** Calls `listener` with every batch of messages made durable from now on, in seq order. */
  subscribe(listener: MessageListener): () => void {
    return this.add(this.messageListeners, listener);
  }

  /** Calls `listener` with each message redacted from now on. */
  onRedact(listener: RedactListener): () => void {
    return this.add(this.redactListeners, listener);
  }

  /** Calls `listener` once if the room is deleted. */
  onDelete(listener: () => void): () => void {
    return this.add(this.deleteListeners, listener);
  }

  get idle(): boolean {
    return this.messageListeners.size === 0 && this.redactListeners.size === 0 && this.deleteListeners.size === 0;
  }

  /** New messages are durable: every subscriber hears them. */
  messages(batch: readonly Message[]): void {
    this.call(this.messageListeners, 'a subscriber', batch);
  }

  redacted(message: Message): void {
    this.call(this.redactListeners, 'a redaction listener', message);
  }

  /** The room is gone: its delete listeners hear it once, and every listener is dropped. */
  deleted(): void {
    const listeners = [...this.deleteListeners];
    this.clear();
    this.call(listeners, 'a delete listener');
  }

  /** Drops every listener without telling them (the store is closing). */
  clear(): void {
    this.messageListeners.clear();
    this.redactListeners.clear();
    this.deleteListeners.clear();
  }

  private add<L>(set: Set<L>, listener: L): () => void {
    set.add(listener);
    return () => {
      if (set.delete(listener) && this.idle) this.whenIdle?.();
    };
  }

  private call<A extends unknown[]>(listeners: Iterable<(...args: A) => void>, who: string, ...args: A): void {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (err) {
        this.warn(`${who} of room ${this.roomId} failed: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
  }
}
