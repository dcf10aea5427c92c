// Inboxes: a name's messages past its read cursor (to it, @mentioning it, or to everyone), and acks that move it.
import { Hono, type Context } from 'hono';
import { inInbox } from '../../api/addressed.js';
import { parseInboxAck, type Inbox, type InboxCursor } from '../../api/inbox.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_CHARS, HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import { StoreError } from '../../store/errors.js';
import type { Store } from '../../store/store.js';
import { callerName } from '../caller-name.js';
import type { ServerDeps } from '../context.js';
import { hangUp, type AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { parsedJson, queryInt, querySeconds } from '../request.js';
import { withinChars } from '../room-cursor.js';
import { streamOwner } from '../streams.js';
import { readOrWait } from './messages.js';
import { roomParam } from './room-param.js';

/** Messages one inbox read looks through at most; past it the page ends early and `through` says where to go on. */
export const INBOX_SCAN_MAX = 10 * HISTORY_MAX_LIMIT;

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
    let page = await scanInbox(store, room.id, name, Math.max(cursor, after ?? 0), limit);
    if (wait) {
      // Wait for anything new past what was looked through, then look again, until something is for this name.
      const deadline = Date.now() + wait * 1000;
      const signal = hangUp(c);
      const owner = streamOwner(c);
      while (page.messages.length === 0 && !signal.aborted && Date.now() < deadline) {
        const waitMs = deadline - Date.now();
        const arrived = await readOrWait(deps, { roomId: room.id, after: page.through, limit: 1, waitMs, signal, owner, name });
        if (arrived.length === 0) break;
        page = await scanInbox(store, room.id, name, page.through, limit);
      }
    }
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

/**
 * The first `limit` inbox messages past `from`, within HISTORY_MAX_CHARS, looking through at most INBOX_SCAN_MAX
 * messages; `through` is the seq the page covers the room up to (its last message when it is full).
 */
async function scanInbox(store: Store, roomId: string, name: string, from: number, limit: number): Promise<{ through: number; messages: Message[] }> {
  const found: Message[] = [];
  let through = from;
  for (let scanned = 0; found.length < limit && scanned < INBOX_SCAN_MAX; ) {
    const read = await store.read(roomId, { after: through, limit: HISTORY_MAX_LIMIT });
    if (read.length === 0) break;
    for (const m of read) {
      through = m.seq;
      if (inInbox(m, name) && found.push(m) >= limit) break;
    }
    scanned += read.length;
  }
  const messages = withinChars(found, HISTORY_MAX_CHARS);
  if (messages.length < found.length) through = messages.at(-1)!.seq;
  return { through, messages };
}
