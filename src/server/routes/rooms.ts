// Room routes: create (both the hosted service's path and ours) returning the room's keys, list (by page), show.
import { Hono, type Context } from 'hono';
import { parseCreateRoom } from '../../api/schemas.js';
import { ROOMS_DEFAULT_LIMIT, ROOMS_MAX_LIMIT } from '../../api/limits.js';
import type { CreatedRoom, Room, RoomList } from '../../api/types.js';
import { hashKey, newKey } from '../auth/keys.js';
import { authorizeAdmin, type Principal } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { parsedJson, queryInt } from '../request.js';
import { decodeRoomCursor, encodeRoomCursor } from '../room-page-cursor.js';
import { roomParam } from './room-param.js';

export function roomRoutes({ store, maxBodyBytes }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const create = async (c: Context<AppEnv>) => {
    authorizeAdmin(c, 'Creating a room');
    const input = await parsedJson(c, maxBodyBytes, parseCreateRoom, 'invalid_room');
    const keys = { write: newKey('write'), read: newKey('read') };
    const room = await store.createRoom({ ...input, keyHashes: { write: hashKey(keys.write), read: hashKey(keys.read) } });
    return c.json({ roomId: room.id, ...room, keys } satisfies CreatedRoom, 201);
  };

  app.post('/demo/room', create);
  app.post('/rooms', create);

  app.get('/rooms', async (c) => {
    const p = c.get('principal') as Principal;
    const limit = queryInt(c, 'limit', { min: 1, max: ROOMS_MAX_LIMIT }) ?? ROOMS_DEFAULT_LIMIT;
    const rawAfter = c.req.query('after');
    const after = rawAfter ? decodeRoomCursor(rawAfter) : undefined;
    if (p.kind === 'admin') {
      // One more than asked says whether a next page exists, so the last page never points at an empty one.
      const rooms = await store.listRooms({ limit: limit + 1, ...(after && { after }) });
      const next = rooms.length > limit ? encodeRoomCursor(rooms[limit - 1]!) : null;
      return c.json({ rooms: rooms.slice(0, limit), next } satisfies RoomList);
    }
    if (p.kind === 'anonymous') authorizeAdmin(c, 'Listing rooms');
    // A room key lists its own room only.
    const own = p.kind === 'room' && !after ? await store.getRoom(p.roomId) : undefined;
    return c.json({ rooms: own ? [own] : [], next: null } satisfies RoomList);
  });

  app.get('/rooms/:id', async (c) => {
    return c.json((await roomParam(c, store, 'read')) satisfies Room);
  });

  return app;
}
