// Inboxes: a name's messages past its read cursor (to it, @mentioning it, or to everyone), and acks that move it.
import { Hono, type Context } from 'hono';
import { inInbox } from '../../api/addressed.js';
import { parseInboxAck, type Inbox, type InboxCursor } from '../../api/inbox.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import { StoreError } from '../../store/errors.js';
import { callerName } from '../caller-name.js';
import type { ServerDeps } from '../context.js';
import { hangUp, type AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { parsedJson, queryInt, querySeconds } from '../request.js';
import { streamOwner } from '../streams.js';
import { scanMatching, waitMatching } from '../wait.js';
import { roomParam } from './room-param.js';

export function inboxRoutes(deps: ServerDeps): Hono<AppEnv> {
  const { store, maxBodyBytes } = deps;
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/inbox', async (c) => {
    const room = await roomParam(c, store, 'read');
    const name = requireName(c, await callerName(c, store, room.id));
    const limit = queryInt(c, 'limit', { min: 1, max: HISTORY_MAX_LIMIT }) ?? HISTORY_DEFAULT_LIMIT;
    const after = queryInt(c, 'after', { min: 0, max: room.lastSeq });
    const wait = querySeconds(c, 'wait', MAX_WAIT_SECONDS);
    const cursor = await store.getCursor(room.id, name);
    const from = Math.max(cursor, after ?? 0);
    const match = (m: Message) => inInbox(m, name);
    const page = wait
      ? await waitMatching(deps, { roomId: room.id, after: from, limit, match, waitMs: wait * 1000, signal: hangUp(c), owner: streamOwner(c), name })
      : await scanMatching(store, room.id, from, limit, match);
    return c.json({ roomId: room.id, name, cursor, ...page } satisfies Inbox);
  });

  app.post('/rooms/:id/inbox/ack', async (c) => {
    const room = await roomParam(c, store, 'read');
    const ack = await parsedJson(c, maxBodyBytes, parseInboxAck, 'invalid_ack');
    const name = requireName(c, await callerName(c, store, room.id, ack.as));
    const { seq } = ack;
    if (seq > room.lastSeq) {
      throw new HttpError(400, 'invalid_ack', `seq must be from 0 to ${room.lastSeq}, the room's newest seq (got ${seq}).`);
    }
    const cursor = await store.setCursor(room.id, name, seq).catch((err: unknown) => {
      if (!(err instanceof StoreError && err.code === 'limit')) throw err;
      throw new HttpError(409, 'limit', `${err.message} Ack as a name that has one, or with an agent key (its name is never refused).`);
    });
    return c.json({ roomId: room.id, name, cursor } satisfies InboxCursor);
  });

  return app;
}

function requireName(c: Context<AppEnv>, name: string | undefined): string {
  if (name !== undefined) return name;
  throw new HttpError(400, c.req.method === 'GET' ? 'invalid_query' : 'invalid_ack', 'Say whose inbox: give as=NAME (or use an agent key, which names you).');
}
