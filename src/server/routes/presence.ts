// GET /agent/rooms/:id/presence: who listens on the room now, and when each name was last seen and last posted.
import { Hono, type MiddlewareHandler } from 'hono';
import { callerName } from '../caller-name.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import type { RoomStorage } from '../../store/store.js';
import type { Presence } from '../presence.js';
import { roomParam } from './room-param.js';

/** Recent messages read to find senders' last posts, which outlive a restart and come from every instance. */
const RECENT_POSTS = 200;

export function presenceRoutes({ store, presence }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/presence', async (c) => {
    const room = await roomParam(c, store, 'read');
    const others = new Map<string, string | undefined>((await store.listAgents(room.id)).map((a) => [a.name, undefined]));
    const recent = await store.read(room.id, { limit: RECENT_POSTS });
    for (const m of recent) others.set(m.sender, m.createdAt);
    return c.json({ roomId: room.id, agents: presence.list(room.id, others, await presence.remote(room.id)) });
  });

  return app;
}

/** Marks the caller's name seen on the room once a request on it succeeded (any route under /agent/rooms/:id but
 *  deletions, which may have removed the room). */
export function noteSeen(presence: Presence, store: RoomStorage): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const roomId = c.req.param('id');
    if (c.res.status >= 400 || c.req.method === 'DELETE' || roomId === undefined) return;
    let name: string | undefined;
    try {
      name = await callerName(c, store, roomId);
    } catch {
      return; // a bad or borrowed `as` was already answered by the route, or the route did not read it
    }
    if (name !== undefined) presence.seen(roomId, name);
  };
}
