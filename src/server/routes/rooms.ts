// Room routes: create (both the hosted service's path and ours), list, show.
import { Hono } from 'hono';
import { parseCreateRoom } from '../../api/schemas.js';
import type { CreatedRoom, Room } from '../../api/types.js';
import type { ServerDeps } from '../context.js';
import { HttpError } from '../errors.js';
import { readJson } from '../request.js';
import { findRoom } from './room-param.js';

export function roomRoutes({ store, maxBodyBytes }: ServerDeps): Hono {
  const app = new Hono();

  const create = async (body: unknown): Promise<CreatedRoom> => {
    const parsed = parseCreateRoom(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_room', parsed.message);
    const room = await store.createRoom(parsed.value);
    return { roomId: room.id, ...room };
  };

  app.post('/demo/room', async (c) => c.json(await create(await readJson(c, maxBodyBytes)), 201));
  app.post('/rooms', async (c) => c.json(await create(await readJson(c, maxBodyBytes)), 201));
  app.get('/rooms', async (c) => c.json({ rooms: await store.listRooms() }));
  app.get('/rooms/:id', async (c) => c.json((await findRoom(store, c.req.param('id'))) satisfies Room));

  return app;
}
