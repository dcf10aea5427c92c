// Presence shared through Redis by the servers of a fleet: each writes its own view of a room's names into the room's
// presence hash, keeps a short-lived "alive" key while it runs, and reads the others' views when asked, so a
// listener on any server shows as listening on all of them, and stops showing soon after its server dies.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { redisFailure } from '../store/redis/connection.js';
import type { RedisLink } from '../webhooks/redis-hook-state.js';
import type { PresenceShare, RemoteSeen, SharedSeen } from './presence-share.js';

export interface RedisPresenceOptions {
  redis: RedisLink;
  /** The store's key prefix (default "im:"). */
  prefix?: string;
  /** How long a server counts as alive after its last heartbeat (default 6 s); it beats three times as often. */
  aliveMs?: number;
  /** Longest wait before a change of times only (a request, a post) is written (default 1 s); a listener that comes
   *  or goes is written at once. */
  flushMs?: number;
  warn?: (message: string) => void;
}

/** A room's presence hash outlives its last change by this much, so rooms nobody uses any more leave nothing. */
const KEEP_MS = 86_400_000;

interface Field {
  /** The server the view is from. */
  server: string;
  name: string;
}

/** Hash field: "<server>|<name>" (a server id has no "|"); value: the SharedSeen as JSON. */
const fieldOf = (server: string, name: string) => `${server}|${name}`;
function parseField(field: string): Field {
  const bar = field.indexOf('|');
  return { server: field.slice(0, bar), name: field.slice(bar + 1) };
}

export class RedisPresence implements PresenceShare {
  /** This server, among the fleet: unique per process, and telling where it runs to whoever reads Redis. */
  readonly server = `${hostname().replace(/\|/g, '_')}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private readonly prefix: string;
  private readonly aliveMs: number;
  /** Views not written yet, by room, then by name. */
  private pending = new Map<string, Map<string, SharedSeen>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private failing = false;
  private closed = false;

  constructor(private readonly options: RedisPresenceOptions) {
    this.prefix = options.prefix ?? 'im:';
    this.aliveMs = options.aliveMs ?? 6000;
    this.heartbeat = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.aliveMs / 3))).unref();
  }

  /** Marks this server alive now (and the first time, before any view of it can be read). */
  async beat(): Promise<void> {
    await this.options.redis.sendCommand(['SET', this.aliveKey(this.server), '1', 'PX', String(this.aliveMs)]).then(
      () => this.recovered(),
      (err: unknown) => this.failed(err),
    );
  }

  put(roomId: string, name: string, seen: SharedSeen, soon: boolean): void {
    if (this.closed) return;
    let room = this.pending.get(roomId);
    if (!room) this.pending.set(roomId, (room = new Map()));
    room.set(name, { ...seen });
    if (soon) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      setImmediate(() => void this.flush());
    } else {
      this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 1000).unref();
    }
  }

  async others(roomId: string): Promise<RemoteSeen[]> {
    try {
      const flat = (await this.options.redis.sendCommand(['HGETALL', this.roomKey(roomId)])) as string[] | Record<string, string>;
      const pairs = Array.isArray(flat) ? flat.flatMap((f, i) => (i % 2 === 0 ? [[f, flat[i + 1]!] as const] : [])) : Object.entries(flat);
      const views = pairs.map(([field, json]) => ({ ...parseField(field), seen: JSON.parse(json) as SharedSeen })).filter((v) => v.server !== this.server);
      const servers = [...new Set(views.map((v) => v.server))];
      const alive = new Set<string>();
      if (servers.length > 0) {
        const beats = (await this.options.redis.sendCommand(['MGET', ...servers.map((s) => this.aliveKey(s))])) as (string | null)[];
        servers.forEach((s, i) => beats[i] !== null && alive.add(s));
      }
      // A dead server's listeners are gone with it; what it saw before still counts for the times.
      return views.map(({ server, name, seen }) => ({ ...seen, name, listeners: alive.has(server) ? seen.listeners : 0, ...(!alive.has(server) && { quietSince: undefined }) }));
    } catch (err) {
      throw redisFailure(err);
    }
  }

  forget(roomId: string): void {
    this.pending.delete(roomId);
    void this.options.redis.sendCommand(['DEL', this.roomKey(roomId)]).catch(() => {});
  }

  /** Writes what is pending, says this server is gone, and stops. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    await this.flushing;
    await this.flush();
    await this.options.redis.sendCommand(['DEL', this.aliveKey(this.server)]).catch(() => {});
  }

  /** Writes the pending views, one HSET and PEXPIRE per room; views that fail to be written are tried again. */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      while (this.pending.size > 0) {
        const batch = this.pending;
        this.pending = new Map();
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        try {
          await Promise.all(
            [...batch].map(async ([roomId, names]) => {
              const key = this.roomKey(roomId);
              await this.options.redis.sendCommand(['HSET', key, ...[...names].flatMap(([name, seen]) => [fieldOf(this.server, name), JSON.stringify(seen)])]);
              await this.options.redis.sendCommand(['PEXPIRE', key, String(KEEP_MS)]);
            }),
          );
          this.recovered();
        } catch (err) {
          this.failed(err);
          // Newer views that came meanwhile win over the ones that failed.
          for (const [roomId, names] of batch) {
            const room = this.pending.get(roomId) ?? new Map<string, SharedSeen>();
            for (const [name, seen] of names) if (!room.has(name)) room.set(name, seen);
            this.pending.set(roomId, room);
          }
          if (!this.closed) this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 1000).unref();
          return;
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      // Views put while the last write was on its way, after the loop looked.
      if (this.pending.size > 0 && this.flushTimer === undefined && !this.closed) setImmediate(() => void this.flush());
    });
    return this.flushing;
  }

  private failed(err: unknown): void {
    if (this.failing || this.closed) return;
    this.failing = true;
    this.options.warn?.(`could not share presence through Redis (${(err as Error)?.message ?? String(err)}); other servers see this one's listeners again once it is back`);
  }

  private recovered(): void {
    this.failing = false;
  }

  private roomKey(roomId: string): string {
    return `${this.prefix}{${roomId}}:presence`;
  }

  private aliveKey(server: string): string {
    return `${this.prefix}server-alive:${server}`;
  }
}
