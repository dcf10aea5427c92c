// The `after` cursor of GET /agent/rooms: the sort key of a page's last room, opaque to clients (base64url JSON).
import type { RoomPosition } from '../api/room-order.js';
import { HttpError } from './errors.js';

export function encodeRoomCursor(p: RoomPosition): string {
  return Buffer.from(JSON.stringify([p.lastActivityAt, p.createdAt, p.id])).toString('base64url');
}

/** The position a cursor names, or a 400 that says where a valid one comes from. */
export function decodeRoomCursor(raw: string): RoomPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) {
    const [lastActivityAt, createdAt, id] = value as [string, string, string];
    return { lastActivityAt, createdAt, id };
  }
  throw new HttpError(400, 'invalid_query', `after must be the "next" value of a previous page of GET /agent/rooms (got "${raw.slice(0, 100)}").`);
}
