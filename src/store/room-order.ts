// One page of the rooms in list order (the order itself is the contract's compareRooms), for every Store.
import { compareRooms, type RoomPosition } from '../api/room-order.js';
import type { Room } from '../api/types.js';

export interface RoomPage {
  /** At most this many rooms. */
  limit: number;
  /** Only rooms that sort after this position. */
  after?: RoomPosition;
}

const SELECT_UP_TO = 1000;

/**
 * The first `page.limit` rooms past `page.after`, in list order, without sorting them all: one pass that keeps the best
 * `limit` seen so far, so a page of 100 out of 100,000 rooms costs one comparison for most rooms. `positionOf` is
 * called for every item and `toRoom` only for the chosen ones.
 */
export function pickPage<T>(items: Iterable<T>, page: RoomPage, positionOf: (item: T) => RoomPosition, toRoom: (item: T) => Room): Room[] {
  const kept: { position: RoomPosition; item: T }[] = [];
  if (page.limit > SELECT_UP_TO) {
    // A large page (or all rooms): sorting once is cheaper than inserting into a long sorted list.
    for (const item of items) {
      const position = positionOf(item);
      if (!page.after || compareRooms(position, page.after) > 0) kept.push({ position, item });
    }
    return kept
      .sort((a, b) => compareRooms(a.position, b.position))
      .slice(0, page.limit)
      .map((k) => toRoom(k.item));
  }
  for (const item of items) {
    const position = positionOf(item);
    if (page.after && compareRooms(position, page.after) <= 0) continue;
    if (kept.length === page.limit && compareRooms(position, kept[kept.length - 1]!.position) >= 0) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareRooms(kept[mid]!.position, position) < 0) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, { position, item });
    if (kept.length > page.limit) kept.pop();
  }
  return kept.map((k) => toRoom(k.item));
}
