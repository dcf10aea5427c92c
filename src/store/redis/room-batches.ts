// Group commit per room for the Redis store: while one room's append is on its way to Redis, the sends that come for
// that room wait and then go together as the next one, so N sends at once cost one script call and one answer, not N.

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

interface Group<T, R> {
  waiting: Waiting<T, R>[];
  /** Messages in the group, against `maxSize`. */
  size: number;
}

export class RoomBatches<T, R> {
  /** Rooms with a call on its way, each with the groups that wait for it, in arrival order. */
  private readonly rooms = new Map<string, Group<T, R>[]>();

  /**
   * `write` stores the items of one group in one step (all of them or, if it throws, none: each caller gets that
   * error) and answers one result per item, in order. A group takes items while it holds at most `maxSize` messages;
   * one larger item goes alone.
   */
  constructor(
    private readonly write: (roomId: string, items: T[]) => Promise<R[]>,
    private readonly maxSize: number,
  ) {}

  /** Stored at once when the room has nothing on its way (no added wait), else with the room's next group. */
  add(roomId: string, item: T, size: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const queue = this.rooms.get(roomId);
      if (!queue) {
        this.rooms.set(roomId, []);
        void this.send(roomId, { waiting: [waiting], size });
        return;
      }
      const last = queue.at(-1);
      if (last && last.size + size <= this.maxSize) {
        last.waiting.push(waiting);
        last.size += size;
      } else queue.push({ waiting: [waiting], size });
    });
  }

  private async send(roomId: string, group: Group<T, R>): Promise<void> {
    try {
      const results = await this.write(roomId, group.waiting.map((w) => w.item));
      group.waiting.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      for (const w of group.waiting) w.reject(err);
    }
    const next = this.rooms.get(roomId)?.shift();
    if (next) void this.send(roomId, next);
    else this.rooms.delete(roomId);
  }
}
