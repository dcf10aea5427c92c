// Where the Redis store keeps what: every key of a room carries the room's {id} hash tag, so a Cluster shards by room.

/** The names of every key and channel of one store, under a prefix (default "im:") so several stores share a Redis. */
export class RedisKeys {
  constructor(readonly prefix = 'im:') {}

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

  /** Counter: what a server writes before each WAIT for replicas (--redis-wait, src/store/redis/replica-wait.ts). */
  get waitProbe(): string {
    return `${this.prefix}wait-probe`;
  }

  /** Sorted set: every room id, scored by its last activity (ms), so the catalog lists newest first. */
  get rooms(): string {
    return `${this.prefix}rooms`;
  }

  /** Pub/sub channel of one room: "<roomId> <lastSeq>" after an append, "<roomId> deleted" after a delete,
   *  "<roomId> redacted <message JSON>" after a redaction. A server subscribes to it only while it has listeners in
   *  the room, so a send wakes only the servers that deliver it. (Plain pub/sub, which Redis 6.2 has; on a Cluster,
   *  SPUBLISH/SSUBSCRIBE would keep it on the room's shard.) */
  notices(id: string): string {
    return `${this.prefix}{${id}}:notices`;
  }
}
