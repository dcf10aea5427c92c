// "Wait for the answer": the one rule behind every door that waits (REST long-poll, stream filters, CLI wait and on,
// MCP wait, inbox, webhook filters, A2A streaming): which messages a wait takes, and where a wait with no `after` starts.
import { isFor } from './addressed.js';
import type { Message } from './types.js';

/** What a wait takes: every field given must hold. */
export interface WaitFilter {
  /** Only messages from this sender. */
  from?: string;
  /** Only messages for this name: in `to` or @mentioning it (isFor). */
  to?: string;
  /** Only messages of this type. */
  type?: string;
}

/** Messages a wait with no `after` looks back through for the caller's own latest one; past it, it starts at the
 *  newest message. Bounds what a wait may read; a caller who posted longer ago than this passes `after`. */
export const OWN_LOOKBACK = 10_000;

export function matchesWait(m: Message, f: WaitFilter): boolean {
  return (f.from === undefined || m.sender === f.from) && (f.to === undefined || isFor(m, f.to)) && (f.type === undefined || m.type === f.type);
}

export function hasFilter(f: WaitFilter): boolean {
  return f.from !== undefined || f.to !== undefined || f.type !== undefined;
}

/**
 * Where a wait starts when the caller gives no `after`: after the caller's own latest message in the room, so an
 * answer that landed before the wait was called is still found; for a caller with no name or no message there, at the
 * newest message. The cursor a wait returns is then the seq it scanned through, never past a match it did not return.
 */
export function waitStart(lastSeq: number, ownLatestSeq: number | undefined): number {
  return ownLatestSeq ?? lastSeq;
}
