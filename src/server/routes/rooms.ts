// Room routes: create (both the hosted service's path and ours) returning the room's keys, list, show.
import { Hono, type Context } from 'hono';
import { parseCreateRoom } from '../../api/schemas.js';
import type { CreatedRoom, Room } from '../../api/types.js';
import { hashKey, newKey } from '../auth/keys.js';
import { authorizeAdmin, authorizeRoom, type Principal } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { readJson } from '../request.js';
import { findRoom } from './room-param.js';

export function roomRoutes({ store, maxBodyBytes }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const create = async (c: Context<AppEnv>) => {
    authorizeAdmin(c, 'Creating a room');
    const parsed = parseCreateRoom(await readJson(c, maxBodyBytes));
    if (!parsed.ok) throw new HttpError(400, 'invalid_room', parsed.message);
    const keys = { write: newKey('write'), read: newKey('read') };
    const room = await store.createRoom({ ...parsed.value, keyHashes: { write: hashKey(keys.write), read: hashKey(keys.read) } });
    return c.json({ roomId: room.id, ...room, keys } satisfies CreatedRoom, 201);
  };

  app.post('/demo/room', create);
  app.post('/rooms', create);

  app.get('/rooms', async (c) => {
    const p = c.get('principal') as Principal;
    if (p.kind === 'admin') return c.json({ rooms: await store.listRooms() });
    if (p.kind === 'anonymous') authorizeAdmin(c, 'Listing rooms');
    // A room key lists its own room only.
    const own = p.kind === 'room' ? await store.getRoom(p.roomId) : undefined;
    return c.json({ rooms: own ? [own] : [] });
  });

  app.get('/rooms/:id', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    return c.json((await findRoom(store, c.req.param('id'))) satisfies Room);
  });

  return app;
}
