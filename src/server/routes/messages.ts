// Message routes: post one or a batch, and read history (paged by seq, optionally long-polling).
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { parseMessageBatch, parseMessageInput } from '../../api/schemas.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import { messageJson } from '../../store/message-json.js';
import { historyJson, jsonBody } from '../json-body.js';
import type { Store } from '../../store/store.js';
import { authorizeRoom } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import type { StreamRegistry } from '../streams.js';
import { HttpError } from '../errors.js';
import { queryInt, querySeconds, readJson } from '../request.js';
import { findRoom } from './room-param.js';

export function messageRoutes({ store, maxBodyBytes, streams }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/rooms/:id/messages', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'write');
    const room = await findRoom(store, c.req.param('id'));
    const body = await readJson(c, maxBodyBytes);
    if (Array.isArray(body)) {
      const parsed = parseMessageBatch(body);
      if (!parsed.ok) throw new HttpError(400, 'invalid_message', `${parsed.message}. Nothing was stored.`);
      return jsonBody(c, historyJson(room.id, await store.append(room.id, parsed.value)), 201);
    }
    const parsed = parseMessageInput(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_message', parsed.message);
    const [message] = await store.append(room.id, [parsed.value]);
    return jsonBody(c, messageJson(message!), 201);
  });

  app.get('/rooms/:id/history', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    const limit = queryInt(c, 'limit', { min: 1, max: HISTORY_MAX_LIMIT }) ?? HISTORY_DEFAULT_LIMIT;
    const wait = querySeconds(c, 'wait', MAX_WAIT_SECONDS);
    // `wait` without `after` means "the next message from now".
    const after = queryInt(c, 'after', { min: 0 }) ?? (wait ? room.lastSeq : undefined);
    const messages =
      wait && after !== undefined
        ? await readOrWait(store, streams, c.get('clientId'), room.id, after, limit, wait * 1000, hangUp(c))
        : await store.read(room.id, { after, limit });
    return jsonBody(c, historyJson(room.id, messages), 200);
  });

  return app;
}

/** Reads past `after`; when there is nothing yet, waits for the next durable message, the deadline or a hang-up. */
async function readOrWait(
  store: Store,
  streams: StreamRegistry,
  clientId: string,
  roomId: string,
  after: number,
  limit: number,
  waitMs: number,
  signal: AbortSignal,
): Promise<Message[]> {
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  // Counted with the SSE streams, so one client cannot hold every slot; shutdown answers it at once.
  const release = streams.admit(clientId, { end: () => wake() });
  // Subscribe before reading, so a message that lands in between still wakes us.
  const unsubscribe = store.subscribe(roomId, () => wake());
  const timer = setTimeout(() => wake(), waitMs);
  signal.addEventListener('abort', () => wake(), { once: true });
  try {
    const now = await store.read(roomId, { after, limit });
    if (now.length > 0) return now;
    await woken;
    return signal.aborted ? [] : await store.read(roomId, { after, limit });
  } finally {
    clearTimeout(timer);
    unsubscribe();
    release();
  }
}

/** Aborts when the client hangs up. Read from the Node socket when there is one: `c.req.raw.signal` builds a whole web Request. */
function hangUp(c: Context<AppEnv>): AbortSignal {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (!outgoing) return c.req.raw.signal;
  const ac = new AbortController();
  outgoing.once('close', () => ac.abort());
  return ac.signal;
}

