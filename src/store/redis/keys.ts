// Where the Redis store keeps what: every key of a room carries the room's {id} hash tag, so a Cluster shards by room;
// what spans rooms is either one key per thing (key lookups, heartbeats) or, on a Cluster, split into buckets.

/** How many sorted sets the room index is split into on a Cluster: each has its own hash tag, so they spread over the
 *  masters, and a room's entry goes to the bucket its id hashes to. */
export const ROOM_BUCKETS = 16;

/** The names of every key and channel of one store, under a prefix (default "im:") so several stores share a Redis.
 *  `cluster`: laid out for a Redis Cluster, where no command may name keys of two slots. */
export class RedisKeys {
  /** The room index's sorted sets, each scored by last activity (ms): one `rooms` on a single Redis, ROOM_BUCKETS
   *  `rooms:{<n>}` on a Cluster. */
  readonly roomIndexes: readonly string[];

  constructor(
    readonly prefix = 'im:',
    readonly cluster = false,
  ) {
    this.roomIndexes = cluster ? Array.from({ length: ROOM_BUCKETS }, (_, n) => `${prefix}rooms:{${n}}`) : [`${prefix}rooms`];
  }

  /** Hash: name, createdAt, topic, seq (last given out), lastAt, kw/kr (key digests), s:<setting> (JSON), and with
   *  --redis-wait rs: the newest seq readers see (replicas have every message up to it). */
  room(id: string): string {
    return `${this.prefix}{${id}}:room`;
  }

  /** Stream: one entry per message, id 0-<seq>, field m = the message's JSON text. */
  log(id: string): string {
    return `${this.prefix}{${id}}:log`;
  }

  /** Hash: agent name -> {"key","createdAt"}. */
  agents(id: string): string {
    return `${this.prefix}{${id}}:agents`;
  }

  /** Hash: inbox reader name -> cursor (seq). */
  cursors(id: string): string {
    return `${this.prefix}{${id}}:cursors`;
  }

  /** Stream: where a redaction rebuilds the log before renaming it over the old one. */
  scratch(id: string): string {
    return `${this.prefix}{${id}}:log:new`;
  }

  /** Hash: "<server>|<name>" -> that server's presence view of the name (src/store/redis/presence.ts). */
  presence(id: string): string {
    return `${this.prefix}{${id}}:presence`;
  }

  /** String: present while that server runs (its presence heartbeat). */
  serverAlive(server: string): string {
    return `${this.prefix}server-alive:${server}`;
  }

  /** String: {"roomId","access","agent"?} of a key, by its SHA-256 hex digest. */
  key(hash: string): string {
    return `${this.prefix}key:${hash}`;
  }

  /** Counter: what a server writes before a WAIT for replicas after a write to this room (--redis-wait,
   *  src/store/redis/replica-wait.ts). One for the whole Redis, as one WAIT covers every write before it; on a
   *  Cluster one per room, with the room's tag, so the probe and its WAIT reach the room's own master. */
  waitProbe(roomId: string): string {
    return this.cluster ? `${this.prefix}{${roomId}}:wait` : `${this.prefix}wait-probe`;
  }

  /** The sorted set of roomIndexes that lists this room (a sum of the id's char codes picks the bucket). */
  roomIndex(id: string): string {
    if (this.roomIndexes.length === 1) return this.roomIndexes[0]!;
    let sum = 0;
    for (let i = 0; i < id.length; i++) sum += id.charCodeAt(i);
    return this.roomIndexes[sum % this.roomIndexes.length]!;
  }

  /** String, on a Cluster only: how many rooms the index holds, for the room cap (a single Redis counts its one index
   *  with ZCARD in the same step as the add). */
  get roomCount(): string {
    return `${this.prefix}room-count`;
  }

  /** Pub/sub channel of one room: "<roomId> <lastSeq>" after an append, "<roomId> deleted" after a delete,
   *  "<roomId> redacted <message JSON>" after a redaction. A server subscribes to it only while it has listeners in
   *  the room, so a send wakes only the servers that deliver it. Plain PUBLISH/SUBSCRIBE on a single Redis (6.2 has
   *  it); SPUBLISH/SSUBSCRIBE on a Cluster, where the {id} tag keeps it on the room's shard. */
  notices(id: string): string {
    return `${this.prefix}{${id}}:notices`;
  }
}
