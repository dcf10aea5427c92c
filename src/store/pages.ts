// Walks a room through any Store a page at a time: forward for export, backward for search.
import { HISTORY_MAX_LIMIT } from '../api/limits.js';
import { matchesWait, type WaitFilter } from '../api/wait-rule.js';
import type { Message } from '../api/types.js';
import type { RoomStorage } from './store.js';

/** Every message, oldest first, `HISTORY_MAX_LIMIT` at a time. */
export async function* allMessages(store: Pick<RoomStorage, 'read'>, roomId: string): AsyncGenerator<Message[]> {
  for (let after = 0; ; ) {
    const page = await store.read(roomId, { after, limit: HISTORY_MAX_LIMIT });
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.seq;
  }
}

/** The wait rule's filter (`from`, `to`, `type`) plus text, newest first. */
export interface SearchQuery extends WaitFilter {
  /** Case-insensitive text to find in content, sender or type. */
  text?: string;
  /** Look no further back than this seq (default: the whole room). */
  since?: number;
  limit: number;
}

/** The newest `limit` matches, oldest first. Reads backward from the newest message and stops when it has enough. */
export async function searchMessages(store: Pick<RoomStorage, 'read'>, roomId: string, lastSeq: number, query: SearchQuery): Promise<Message[]> {
  const needle = query.text?.toLocaleLowerCase();
  const hits: Message[] = [];
  const since = query.since ?? 0;
  for (let end = lastSeq; end > since && hits.length < query.limit; end -= HISTORY_MAX_LIMIT) {
    const after = Math.max(since, end - HISTORY_MAX_LIMIT);
    const page = await store.read(roomId, { after, limit: end - after });
    for (let i = page.length - 1; i >= 0 && hits.length < query.limit; i--) {
      const m = page[i]!;
      if (!matchesWait(m, query)) continue;
      if (needle && ![m.content, m.sender, m.type ?? ''].some((f) => f.toLocaleLowerCase().includes(needle))) continue;
      hits.push(m);
    }
  }
  return hits.reverse();
}

/**
 * A thread: the message `rootId` and every message that answers it (`replyTo`), directly or through other replies, in
 * seq order, past `after`, at most `limit`. Undefined when the room has no message `rootId`. Reads forward through the
 * room: replies carry no index, so like search it costs a pass over the room.
 */
export async function threadMessages(store: Pick<RoomStorage, 'read'>, roomId: string, rootId: string, query: { after?: number; limit: number }): Promise<Message[] | undefined> {
  const inThread = new Set<string>();
  const out: Message[] = [];
  for await (const page of allMessages(store, roomId)) {
    for (const m of page) {
      if (inThread.size === 0 ? m.id !== rootId : m.replyTo === undefined || !inThread.has(m.replyTo)) continue;
      inThread.add(m.id);
      if (m.seq <= (query.after ?? 0)) continue;
      out.push(m);
      if (out.length >= query.limit) return out;
    }
  }
  return inThread.size === 0 ? undefined : out;
}
