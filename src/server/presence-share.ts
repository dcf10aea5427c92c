// What one server tells the others of its presence, so every instance of a fleet answers alike: per room and name,
// how many listeners it holds and when the name was last seen and last posted there.

/** One name on one room as one server sees it (times in ms since the epoch). */
export interface SharedSeen {
  listeners: number;
  /** When its last listener on that server ended. */
  quietSince?: number | undefined;
  lastSeenAt?: number | undefined;
  lastPostAt?: number | undefined;
}

/** Another server's view of a name; `listeners` counts only while that server is alive. */
export interface RemoteSeen extends SharedSeen {
  name: string;
}

export interface PresenceShare {
  /** This server's view of `name` changed; `soon`: a listener came or went, which the others should see at once. */
  put(roomId: string, name: string, seen: SharedSeen, soon: boolean): void;
  /** What the other live servers (and, for the times, the dead ones) know of the room's names. */
  others(roomId: string): Promise<RemoteSeen[]>;
  /** This server forgot `name` in the room (past the cap on names). */
  drop(roomId: string, name: string): void;
  /** The room was deleted. */
  forget(roomId: string): void;
  close(): Promise<void>;
}
