// Resolves the :id path parameter to a room, or a 404 that says how rooms are addressed and how to get one; and the
// opening every room route shares: the key check first (so a stranger learns nothing of which rooms exist), then the room.
import type { Context } from 'hono';
import type { Room } from '../../api/types.js';
import { ROOM_ID_PATTERN } from '../../store/ids.js';
import type { RoomStorage } from '../../store/store.js';
import { authorizeManage, authorizeRoom } from '../auth/principal.js';
import { HttpError } from '../errors.js';
import { missingRoomId } from '../missing-room-id.js';

export async function findRoom(store: RoomStorage, id: string): Promise<Room> {
  const room = ROOM_ID_PATTERN.test(id) ? await store.getRoom(id) : undefined;
  if (room) return room;
  const missing = missingRoomId(`/agent/rooms/${id}`);
  if (missing) throw new HttpError(400, missing.code, missing.message);
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  throw new HttpError(
    404,
    'room_not_found',
    `No room with id "${shown}". Rooms are addressed by the id that creating them returned, not by their name: ` +
      'list them with GET /agent/rooms (CLI: im-for-agents room list), or create one with POST /agent/rooms {"name":"..."} (CLI: im-for-agents room create NAME).',
  );
}

/** The :id room of a route that reads it or posts to it: a key of the room with that access, or the admin token. */
export async function roomParam(c: Context, store: RoomStorage, access: 'read' | 'write'): Promise<Room> {
  const id = idParam(c);
  authorizeRoom(c, id, access);
  return findRoom(store, id);
}

/** The :id room of a route that manages it (`what` names the action in a refusal): its write key or the admin token. */
export async function managedRoom(c: Context, store: RoomStorage, what: string): Promise<Room> {
  const id = idParam(c);
  authorizeManage(c, id, what);
  return findRoom(store, id);
}

/** Every route that uses these has :id in its path; an empty id would be a 404 like any unknown one. */
const idParam = (c: Context): string => c.req.param('id') ?? '';
