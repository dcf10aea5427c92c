// Resolves the :id path parameter to a room, or a 404 that says how rooms are addressed and how to get one.
import type { Room } from '../../api/types.js';
import { ROOM_ID_PATTERN } from '../../store/ids.js';
import type { Store } from '../../store/store.js';
import { HttpError } from '../errors.js';

export async function findRoom(store: Store, id: string): Promise<Room> {
  const room = ROOM_ID_PATTERN.test(id) ? await store.getRoom(id) : undefined;
  if (room) return room;
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  throw new HttpError(
    404,
    'room_not_found',
    `No room with id "${shown}". Rooms are addressed by the id that creating them returned, not by their name: ` +
      'list them with GET /agent/rooms (CLI: im-for-agents room list), or create one with POST /agent/rooms {"name":"..."} (CLI: im-for-agents room create NAME).',
  );
}
