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
import { bodyText, queryInt, querySeconds, waitFilter } from '../request.js';
import { postMessages } from '../send.js';
import { scanMatching, waitMatching, waitStartFor } from '../wait.js';
import { searchMessages, threadMessages } from '../../store/pages.js';
import { hasFilter, matchesWait } from '../../api/wait-rule.js';
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
      if (wait !== undefined) throw new HttpError(400, 'invalid_query', 'thread reads what is there and cannot wait: leave out wait, or wait on the whole room.');
      const messages = await threadMessages(store, room.id, thread, { limit, ...(after !== undefined && { after }) });
      if (!messages) throw new HttpError(404, 'message_not_found', `Room ${room.id} has no message with id ${thread.slice(0, 80)}; thread takes the id of a message (its "id", not its seq).`);
      return jsonBody(c, historyJson(room.id, withinChars(messages, HISTORY_MAX_CHARS, false)), 200);
    }
    const filter = waitFilter(c);
    const match = hasFilter(filter) ? (m: Message) => matchesWait(m, filter) : undefined;
    if (wait !== undefined) {
      // A long-poll (wait=0 too): the wait rule picks the start when `after` is left out, and `cursor` says where the
      // answer ends, to pass as `after` next time.
      const name = await callerName(c, store, room.id);
      const start = after ?? (await waitStartFor(store, room, name));
      const page = await waitMatching(deps, { roomId: room.id, after: start, limit, match, waitMs: wait * 1000, signal: hangUp(c), owner: streamOwner(c), name });
      return jsonBody(c, historyJson(room.id, page.messages, page.through), 200);
    }
    if (match) {
      // Filtered reads: forward past `after`, else the newest matches (as search finds them).
      const page =
        after === undefined
          ? await searchMessages(store, room.id, room.lastSeq, { ...filter, limit })
          : (await scanMatching(store, room.id, after, limit, match)).messages;
      return jsonBody(c, historyJson(room.id, withinChars(page, HISTORY_MAX_CHARS, after === undefined)), 200);
    }
    const read = await store.read(room.id, { after, limit });
    // A page stops at about HISTORY_MAX_CHARS (the newest ones without `after`); the caller pages on from its last seq.
    return jsonBody(c, historyJson(room.id, withinChars(read, HISTORY_MAX_CHARS, after === undefined)), 200);
  });

  return app;
}
