// The server's side of the wait rule (src/api/wait-rule.ts): where a wait starts, and reading or waiting for the first
// messages past a seq that match a filter. History long-polls and inboxes both wait through it.
import { HISTORY_MAX_CHARS, HISTORY_MAX_LIMIT } from '../api/limits.js';
import type { Message, Room } from '../api/types.js';
import { OWN_LOOKBACK, waitStart } from '../api/wait-rule.js';
import { searchMessages } from '../store/pages.js';
import type { RoomStorage } from '../store/store.js';
import type { ServerDeps } from './context.js';
import { withinChars } from './room-cursor.js';
import { HttpError } from './errors.js';

/** Messages one read looks through at most; past it the page ends early and `through` says where to go on. */
export const SCAN_MAX = 10 * HISTORY_MAX_LIMIT;

/** A page of matches: `through` is the seq the page covers the room up to (its last message when it is full), the
 *  `after` to go on from without skipping a match. */
export interface MatchPage {
  through: number;
  messages: Message[];
}

/** The seq a wait with no `after` starts from, for `name` (the caller) in `room`: one backward read at most. */
export async function waitStartFor(store: RoomStorage, room: Room, name: string | undefined): Promise<number> {
  if (name === undefined || room.lastSeq === 0) return room.lastSeq;
  const since = Math.max(0, room.lastSeq - OWN_LOOKBACK);
  const [own] = await searchMessages(store, room.id, room.lastSeq, { from: name, since, limit: 1 });
  return waitStart(room.lastSeq, own?.seq);
}

/**
 * The first `limit` messages past `from` that `match` takes (all, without it), within HISTORY_MAX_CHARS, looking
 * through at most SCAN_MAX messages.
 */
export async function scanMatching(store: RoomStorage, roomId: string, from: number, limit: number, match?: (m: Message) => boolean): Promise<MatchPage> {
  const found: Message[] = [];
  let through = from;
  for (let scanned = 0; found.length < limit && scanned < SCAN_MAX; ) {
    const read = await store.read(roomId, { after: through, limit: match ? HISTORY_MAX_LIMIT : limit });
    if (read.length === 0) break;
    for (const m of read) {
      through = m.seq;
      if ((!match || match(m)) && found.push(m) >= limit) break;
    }
    scanned += read.length;
  }
  const messages = withinChars(found, HISTORY_MAX_CHARS);
  if (messages.length < found.length) through = messages.at(-1)!.seq;
  return { through, messages };
}

/** scanMatching, and while it finds nothing: wait for anything new past what was looked through, then look again,
 *  until a match, the deadline or a hang-up. */
export async function waitMatching(
  deps: Pick<ServerDeps, 'store' | 'streams' | 'presence'>,
  request: Omit<WaitRequest, 'limit'> & { limit: number; match?: (m: Message) => boolean },
): Promise<MatchPage> {
  const { roomId, after, limit, match, waitMs, signal } = request;
  let page = await scanMatching(deps.store, roomId, after, limit, match);
  const deadline = Date.now() + waitMs;
  while (page.messages.length === 0 && !signal.aborted && Date.now() < deadline) {
    const arrived = await readOrWait(deps, { ...request, after: page.through, limit: 1, waitMs: deadline - Date.now() });
    if (arrived.length === 0) break;
    page = await scanMatching(deps.store, roomId, page.through, limit, match);
  }
  return page;
}

export interface WaitRequest {
  roomId: string;
  after: number;
  limit: number;
  waitMs: number;
  /** The caller hung up. */
  signal: AbortSignal;
  /** Whom the wait counts against (streamOwner). */
  owner: string | undefined;
  /** Who waits (callerName): shown as listening on the room meanwhile. */
  name: string | undefined;
}

/** Reads past `after`; when there is nothing yet, waits until a message past `after` is durable, the deadline or a
 *  hang-up. Nothing is queued while it waits: a new message only wakes it to read. */
export async function readOrWait(
  { store, streams, presence }: Pick<ServerDeps, 'store' | 'streams' | 'presence'>,
  { roomId, after, limit, waitMs, signal, owner, name }: WaitRequest,
): Promise<Message[]> {
  let wake: () => void = () => {};
  let over = false;
  let deleted = false;
  const stop = () => ((over = true), wake());
  // Counted with the SSE streams, so one client cannot hold every slot; shutdown answers it at once.
  const release = streams.admit(owner, { end: stop });
  const unlisten = name === undefined ? () => {} : presence.listen(roomId, name);
  const timer = setTimeout(stop, waitMs);
  signal.addEventListener('abort', stop, { once: true });
  let unsubscribe = () => {};
  try {
    // Subscribe before reading, so a message that lands in between still wakes us.
    const unsubscribeMessages = store.subscribe(roomId, () => wake());
    const unsubscribeDelete = store.onDelete(roomId, () => ((deleted = true), stop()));
    unsubscribe = () => (unsubscribeMessages(), unsubscribeDelete());
    for (;;) {
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const now = await store.read(roomId, { after, limit }).catch((err: unknown) => {
        // Not "no such room, create one": the caller should know it was there and is gone for good.
        if (deleted) throw new HttpError(404, 'room_not_found', `Room "${roomId}" was deleted while this request waited for messages.`);
        throw err;
      });
      if (now.length > 0 || over) return signal.aborted ? [] : now;
      await woken;
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
    unsubscribe();
    unlisten();
    release();
  }
}
