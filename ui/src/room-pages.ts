// The room list by page (GET /agent/rooms?limit=&after=): the first page is fetched again on every refresh, further
// pages only when asked for, so a server with 100,000 rooms never sends them all.
import type { Room } from '../../src/api/types.js';
import type { Client } from '../../src/client/client.js';
// The server's list order, a pure function on the API's Room type: one home for the rule.
import { compareRooms } from '../../src/api/room-order.js';

export const ROOM_PAGE = 100;

export class RoomPages {
  rooms: Room[] = [];
  /** Where the next page starts; null once the list's end is shown. */
  next: string | null = null;
  private loading = false;

  /**
   * Page 1 again. It replaces what was shown up to its last room (a room with new activity moves up, a deleted one
   * goes); rooms already loaded beyond it stay, with their cursor.
   */
  async refresh(client: Client): Promise<void> {
    const page = await client.listRoomPage({ limit: ROOM_PAGE });
    const last = page.rooms.at(-1);
    const ids = new Set(page.rooms.map((r) => r.id));
    const beyond = page.next === null || !last ? [] : this.rooms.filter((r) => !ids.has(r.id) && compareRooms(r, last) > 0);
    this.rooms = [...page.rooms, ...beyond];
    if (beyond.length === 0) this.next = page.next;
  }

  /** The next page, appended; false when there is none or one is already on its way. */
  async more(client: Client): Promise<boolean> {
    if (this.loading || this.next === null) return false;
    this.loading = true;
    try {
      const page = await client.listRoomPage({ limit: ROOM_PAGE, after: this.next });
      const ids = new Set(this.rooms.map((r) => r.id));
      this.rooms.push(...page.rooms.filter((r) => !ids.has(r.id)));
      this.next = page.next;
      return true;
    } finally {
      this.loading = false;
    }
  }

  /** A room deleted from this page, wherever it is in the list. */
  drop(roomId: string): void {
    this.rooms = this.rooms.filter((r) => r.id !== roomId);
  }
}
