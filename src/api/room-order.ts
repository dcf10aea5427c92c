// The order rooms are listed in (newest activity first): part of the contract, so the server's pages and the UI's
// merged list agree.

/** Where a page ends: the sort key of its last room. A later page holds only rooms that sort after it. */
export interface RoomPosition {
  lastActivityAt: string;
  createdAt: string;
  id: string;
}

/** Negative when `a` is listed before `b`: newer activity first, then newer creation, then id (so the order is total). */
export function compareRooms(a: RoomPosition, b: RoomPosition): number {
  if (a.lastActivityAt !== b.lastActivityAt) return a.lastActivityAt > b.lastActivityAt ? -1 : 1;
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}
