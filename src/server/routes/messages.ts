// Message routes: post one or a batch, and read history (paged by seq, optionally long-polling).
import { Hono } from 'hono';
import { parseMessageBatch, parseMessageInput } from '../../api/schemas.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS } from '../../api/limits.js';
import type { History, Message } from '../../api/types.js';
import type { Store } from '../../store/store.js';
import type { ServerDeps } from '../context.js';
import { HttpError } from '../errors.js';
import { queryInt, querySeconds, readJson } from '../request.js';
import { findRoom } from './room-param.js';

export function messageRoutes({ store, maxBodyBytes }: ServerDeps): Hono {
  const app = new Hono();

  app.post('/rooms/:id/messages', async (c) => {
    const room = await findRoom(store, c.req.param('id'));
    const body = await readJson(c, maxBodyBytes);
    if (Array.isArray(body)) {
      const parsed = parseMessageBatch(body);
      if (!parsed.ok) throw new HttpError(400, 'invalid_message', `${parsed.message}. Nothing was stored.`);
      return c.json({ roomId: room.id, messages: await store.append(room.id, parsed.value) }, 201);
    }
    const parsed = parseMessageInput(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_message', parsed.message);
    const [message] = await store.append(room.id, [parsed.value]);
    return c.json(message, 201);
  });

  app.get('/rooms/:id/history', async (c) => {
    const room = await findRoom(store, c.req.param('id'));
    const limit = queryInt(c, 'limit', { min: 1, max: HISTORY_MAX_LIMIT }) ?? HISTORY_DEFAULT_LIMIT;
    const wait = querySeconds(c, 'wait', MAX_WAIT_SECONDS);
    // `wait` without `after` means "the next message from now".
    const after = queryInt(c, 'after', { min: 0 }) ?? (wait ? room.lastSeq : undefined);
    const messages =
      wait && after !== undefined
        ? await readOrWait(store, room.id, after, limit, wait * 1000, c.req.raw.signal)
        : await store.read(room.id, { after, limit });
    return c.json({ roomId: room.id, messages } satisfies History);
  });

  return app;
}

/** Reads past `after`; when there is nothing yet, waits for the next durable message, the deadline or a hang-up. */
async function readOrWait(
  store: Store,
  roomId: string,
  after: number,
  limit: number,
  waitMs: number,
  signal: AbortSignal,
): Promise<Message[]> {
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
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
  }
}
