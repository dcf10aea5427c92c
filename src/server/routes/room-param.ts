// Resolves the :id path parameter to a room, or a 404 that says how to get one.
import type { Room } from '../../api/types.js';
import { roomNotFound } from '../../store/errors.js';
import { ROOM_ID_PATTERN } from '../../store/ids.js';
import type { Store } from '../../store/store.js';

export async function findRoom(store: Store, id: string): Promise<Room> {
  const room = ROOM_ID_PATTERN.test(id) ? await store.getRoom(id) : undefined;
  if (!room) throw roomNotFound(id.length > 80 ? `${id.slice(0, 80)}…` : id);
  return room;
}
