// A room's lifecycle after creation: rename and settings (PATCH), new keys, deletion.
import { Hono } from 'hono';
import { parsePatchRoom } from '../../api/schemas.js';
import type { Room, RoomKeys } from '../../api/types.js';
import { hashKey, newKey } from '../auth/keys.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { parsedJson } from '../request.js';
import { managedRoom } from './room-param.js';

export function roomLifecycleRoutes({ store, maxBodyBytes, presence }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.patch('/rooms/:id', async (c) => {
    const room = await managedRoom(c, store, 'Changing a room');
    const patch = await parsedJson(c, maxBodyBytes, parsePatchRoom, 'invalid_room');
    return c.json((await store.updateRoom(room.id, patch)) satisfies Room);
  });

  app.delete('/rooms/:id', async (c) => {
    const room = await managedRoom(c, store, 'Deleting a room');
    await store.deleteRoom(room.id);
    presence.forget(room.id);
    return c.body(null, 204);
  });

  // The new keys are shown once; the old ones are refused from the moment this answers.
  app.post('/rooms/:id/keys', async (c) => {
    const room = await managedRoom(c, store, "Rotating a room's keys");
    const keys: RoomKeys = { write: newKey('write'), read: newKey('read') };
    await store.setKeys(room.id, { write: hashKey(keys.write), read: hashKey(keys.read) });
    return c.json({ roomId: room.id, keys }, 201);
  });

  return app;
}
