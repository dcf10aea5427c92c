// Who is in each room: who listens now (by name), when each name was last seen and last posted. Kept in memory by
// each server (a restart starts it empty); in a fleet each server shares its view (PresenceShare) and merges the others'.
import type { PresenceEntry } from '../api/presence.js';
import type { PresenceShare, RemoteSeen, SharedSeen } from '../store/fleet-contract.js';

/** What this server keeps per room and name is what it shares: listeners and times (Date.now() values). */
type Seen = SharedSeen;

/** A client that long-polls in a loop is between two polls for a moment: it still counts as listening meanwhile. */
export const LISTEN_GRACE_MS = 2000;
/** Names kept per room; past it the one seen longest ago that is not listening is forgotten. */
export const MAX_PRESENCE_NAMES = 1000;

export class Presence {
  private readonly rooms = new Map<string, Map<string, Seen>>();

  constructor(
    private readonly graceMs = LISTEN_GRACE_MS,
    /** The fleet's other servers, when there are any (a shared store). */
    private readonly share?: PresenceShare,
  ) {}

  /** Counts `name` as listening on the room until the returned function is called (once is enough). */
  listen(roomId: string, name: string): () => void {
    const seen = this.entry(roomId, name);
    seen.listeners += 1;
    seen.lastSeenAt = Date.now();
    this.share?.put(roomId, name, seen, true);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      seen.listeners -= 1;
      seen.lastSeenAt = seen.quietSince = Date.now();
      // Not for a room deleted meanwhile (or a name forgotten): that would write its view again.
      if (this.rooms.get(roomId)?.get(name) === seen) this.share?.put(roomId, name, seen, true);
    };
  }

  /** A named request on the room. */
  seen(roomId: string, name: string): void {
    const seen = this.entry(roomId, name);
    seen.lastSeenAt = Date.now();
    this.share?.put(roomId, name, seen, false);
  }

  /** A post to the room under `name`. Kept only for rooms with named activity (a listener or a named request): a
   *  post is in the room's log anyway, where `list` finds recent ones, and a server of 100,000 rooms that only get
   *  posts should not hold an entry for each. */
  posted(roomId: string, name: string): void {
    if (!this.rooms.has(roomId)) return;
    const seen = this.entry(roomId, name);
    seen.lastSeenAt = seen.lastPostAt = Date.now();
    this.share?.put(roomId, name, seen, false);
  }

  /** Drops a deleted room. */
  forget(roomId: string): void {
    this.rooms.delete(roomId);
    this.share?.forget(roomId);
  }

  /** What the fleet's other servers know of the room's names (none without a fleet). */
  async remote(roomId: string): Promise<RemoteSeen[]> {
    return (await this.share?.others(roomId)) ?? [];
  }

  /** Every name in the room as this server knows it and as `remote` says the others do, plus `others` (registered
   *  agents, recent senders with the time of their newest post): listening first, then the most recently active. */
  list(roomId: string, others: ReadonlyMap<string, string | undefined> = new Map(), remote: readonly RemoteSeen[] = []): PresenceEntry[] {
    const now = Date.now();
    const views = new Map<string, Seen[]>();
    for (const [name, s] of this.rooms.get(roomId) ?? []) views.set(name, [s]);
    for (const r of remote) views.set(r.name, [...(views.get(r.name) ?? []), r]);
    for (const name of others.keys()) if (!views.has(name)) views.set(name, []);
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    const latest = (seen: Seen[], pick: (s: Seen) => number | undefined) => Math.max(-Infinity, ...seen.map((s) => pick(s) ?? -Infinity));
    const entries = [...views].map(([name, seen]): PresenceEntry => {
      const held = seen.some((s) => s.listeners > 0);
      const listening = held || seen.some((s) => s.quietSince !== undefined && now - s.quietSince < this.graceMs);
      const posted = others.get(name);
      const lastPostAt = Math.max(latest(seen, (s) => s.lastPostAt), posted === undefined ? -Infinity : Date.parse(posted));
      // A post is a request under that name too.
      const lastSeenAt = held ? now : Math.max(latest(seen, (s) => s.lastSeenAt), lastPostAt);
      return { name, listening, lastSeenAt: iso(lastSeenAt), lastPostAt: iso(lastPostAt) };
    });
    // lastSeenAt is never before lastPostAt, so it orders by latest activity. A fleet's servers may know other names
    // each: the answer holds the cap's worth, listening and latest first.
    return entries
      .sort((a, b) => Number(b.listening) - Number(a.listening) || (b.lastSeenAt ?? '').localeCompare(a.lastSeenAt ?? '') || a.name.localeCompare(b.name))
      .slice(0, MAX_PRESENCE_NAMES + others.size);
  }

  private entry(roomId: string, name: string): Seen {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    let seen = room.get(name);
    if (!seen) {
      if (room.size >= MAX_PRESENCE_NAMES) {
        const forgotten = forgetOldest(room);
        if (forgotten !== undefined) this.share?.drop(roomId, forgotten);
      }
      room.set(name, (seen = { listeners: 0 }));
    }
    return seen;
  }
}

/** Forgets the name seen longest ago that is not listening, and says which (none when every name listens). */
function forgetOldest(room: Map<string, Seen>): string | undefined {
  let oldest: [string, number] | undefined;
  for (const [name, s] of room) {
    const at = s.lastSeenAt ?? 0;
    if (s.listeners === 0 && (!oldest || at < oldest[1])) oldest = [name, at];
  }
  if (oldest) room.delete(oldest[0]);
  return oldest?.[0];
}
