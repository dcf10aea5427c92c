// Text and sender search over a whole room, newest matches first in reading order.
import { Hono } from 'hono';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../../api/limits.js';
import { searchMessages } from '../../store/pages.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { historyJson, jsonBody } from '../json-body.js';
import { queryInt } from '../request.js';
import { roomParam } from './room-param.js';

export function searchRoutes({ store }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/search', async (c) => {
    const room = await roomParam(c, store, 'read');
    const text = c.req.query('q')?.trim() || undefined;
    const sender = c.req.query('sender') || undefined;
    const to = c.req.query('to') || undefined;
    if (!text && !sender && !to) throw new HttpError(400, 'invalid_query', 'Give q (text to find), sender or to (a name addressed or @mentioned), or several.');
    const limit = queryInt(c, 'limit', { min: 1, max: HISTORY_MAX_LIMIT }) ?? HISTORY_DEFAULT_LIMIT;
    const messages = await searchMessages(store, room.id, room.lastSeq, { limit, ...(text && { text }), ...(sender && { from: sender }), ...(to && { to }) });
    return jsonBody(c, historyJson(room.id, messages), 200);
  });

  return app;
}
