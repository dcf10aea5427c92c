// Message routes: post one or a batch, and read history (paged by seq, optionally long-polling).
import { Hono } from 'hono';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_CHARS, HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import { historyJson, jsonBody } from '../json-body.js';
import type { ServerDeps } from '../context.js';
import { hangUp, type AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { withinChars } from '../room-cursor.js';
import { streamOwner } from '../streams.js';
import { callerName } from '../caller-name.js';
import { bodyText, queryInt, querySeconds } from '../request.js';
import { postMessages } from '../send.js';
import { threadMessages } from '../../store/pages.js';
import { roomParam } from './room-param.js';

export function messageRoutes(deps: ServerDeps): Hono<AppEnv> {
  const { store } = deps;
  const app = new Hono<AppEnv>();

  // The one send (src/server/send.ts); the fast path in front of the app calls the same function.
  app.post('/rooms/:id/messages', async (c) => {
    const answer = await postMessages(deps, {
      roomId: c.req.param('id'),
      principal: c.get('principal'),
      contentType: c.req.header('content-type'),
      readBody: (max) => bodyText(c, max),
    });
    return jsonBody(c, answer.json, answer.status);
  });

  app.get('/rooms/:id/history', async (c) => {
    const room = await roomParam(c, store, 'read');
    const limit = queryInt(c, 'limit', { min: 1, max: HISTORY_MAX_LIMIT }) ?? HISTORY_DEFAULT_LIMIT;
    const wait = querySeconds(c, 'wait', MAX_WAIT_SECONDS);
    // Past the newest seq nothing can ever be read or awaited: a 400 rather than an empty page or a wait that a
    // message at or below `after` would answer with nothing.
    const after = queryInt(c, 'after', { min: 0, max: room.lastSeq });
    const thread = c.req.query('thread');
    if (thread !== undefined) {
      if (wait) throw new HttpError(400, 'invalid_query', 'thread reads what is there and cannot wait: leave out wait, or wait on the whole room.');
      const messages = await threadMessages(store, room.id, thread, { limit, ...(after !== undefined && { after }) });
      if (!messages) throw new HttpError(404, 'message_not_found', `Room ${room.id} has no message with id ${thread.slice(0, 80)}; thread takes the id of a message (its "id", not its seq).`);
      return jsonBody(c, historyJson(room.id, withinChars(messages, HISTORY_MAX_CHARS, false)), 200);
    }
    const read = wait
      ? // `wait` without `after` means "the next message from now".
        await readOrWait(deps, {
          roomId: room.id,
          after: after ?? room.lastSeq,
          limit,
          waitMs: wait * 1000,
          signal: hangUp(c),
          owner: streamOwner(c),
          name: callerName(c),
        })
      : await store.read(room.id, { after, limit });
    // A page stops at about HISTORY_MAX_CHARS (the newest ones without `after`); the caller pages on from its last seq.
    return jsonBody(c, historyJson(room.id, withinChars(read, HISTORY_MAX_CHARS, after === undefined && !wait)), 200);
  });

  return app;
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
    unsubscribe();
    unlisten();
    release();
  }
}


