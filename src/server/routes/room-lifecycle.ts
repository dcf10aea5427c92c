// A room's lifecycle after creation: rename and settings (PATCH), new keys, deletion.
import { Hono } from 'hono';
import { parsePatchRoom } from '../../api/schemas.js';
import type { Room, RoomKeys } from '../../api/types.js';
import { hashKey, newKey } from '../auth/keys.js';
import { authorizeManage } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { readJson } from '../request.js';
import { findRoom } from './room-param.js';

export function roomLifecycleRoutes({ store, maxBodyBytes }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.patch('/rooms/:id', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Changing a room');
    const room = await findRoom(store, c.req.param('id'));
    const parsed = parsePatchRoom(await readJson(c, maxBodyBytes));
    if (!parsed.ok) throw new HttpError(400, 'invalid_room', parsed.message);
    return c.json((await store.updateRoom(room.id, parsed.value)) satisfies Room);
  });

  app.delete('/rooms/:id', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Deleting a room');
    const room = await findRoom(store, c.req.param('id'));
    await store.deleteRoom(room.id);
    return c.body(null, 204);
  });

  // The new keys are shown once; the old ones are refused from the moment this answers.
  app.post('/rooms/:id/keys', async (c) => {
    authorizeManage(c, c.req.param('id'), "Rotating a room's keys");
    const room = await findRoom(store, c.req.param('id'));
    const keys: RoomKeys = { write: newKey('write'), read: newKey('read') };
    await store.setKeys(room.id, { write: hashKey(keys.write), read: hashKey(keys.read) });
    return c.json({ roomId: room.id, keys }, 201);
  });

  return app;
}
