// One write turn for every room with pending writes: the rooms' writers start together in one pass at the end of the
// event-loop turn, so sends spread over many rooms are committed in one go like sends into one room.

/**
 * The store's write turns. A room with work joins the next turn once; when it comes (after every request parsed in
 * this event-loop turn has been queued), each room's writer runs in turn: rooms whose files are open write their
 * group at once, synchronously, one after another (and with fsync issue their syncs together, each waiting for its
 * own); a room whose files must be opened first waits for that alone, without holding the others.
 */
export class CommitTurn {
  private due: (() => void)[] = [];

  /** Runs `write` in the next turn. */
  join(write: () => void): void {
    if (this.due.push(write) === 1) setImmediate(this.run);
  }

  private readonly run = (): void => {
    const due = this.due;
    this.due = [];
    for (const write of due) write();
  };
}
