// Presence shared through Redis by the servers of a fleet: each writes its own view of a room's names into the room's
// presence hash, keeps a short-lived "alive" key while it runs, and reads the others' views when asked, so a
// listener on any server shows as listening on all of them, and stops showing soon after its server dies.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { redisFailure, type RedisLink } from './connection.js';
import { RedisKeys } from './keys.js';
import { runScript } from './scripts.js';
import type { PresenceShare, RemoteSeen, SharedSeen } from '../fleet-contract.js';

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

/** A room's presence hash outlives its last change by this much, so rooms nobody uses any more leave nothing; a dead
 *  server's views are dropped once this old. */
const KEEP_MS = 86_400_000;

/** Writes one server's views into a room's presence hash, only while the room exists (a release that comes after the
 *  room's deletion must not bring the hash back). KEYS: the room's hash, its presence hash. ARGV: field, value, ... */
const PUT_VIEWS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV))
redis.call('PEXPIRE', KEYS[2], ${KEEP_MS})
return 1`;

interface Field {
  /** The server the view is from. */
  server: string;
  name: string;
}

/** Hash field: "<server>|<name>" (a server id has no "|"); value: the SharedSeen as JSON. */
const fieldOf = (server: string, name: string) => `${server}|${name}`;

const time = (v: unknown): v is number | undefined => v === undefined || (typeof v === 'number' && Number.isFinite(v));

/** A field and its value as written by fieldOf and put; anything else (written by hand, another version) is undefined. */
function parseView(field: string, json: string): (Field & { seen: SharedSeen }) | undefined {
  const bar = field.indexOf('|');
  if (bar <= 0 || bar === field.length - 1) return undefined;
  let seen: Partial<SharedSeen>;
  try {
    seen = JSON.parse(json) as Partial<SharedSeen>;
  } catch {
    return undefined;
  }
  if (typeof seen !== 'object' || seen === null || typeof seen.listeners !== 'number') return undefined;
  if (!time(seen.quietSince) || !time(seen.lastSeenAt) || !time(seen.lastPostAt)) return undefined;
  return { server: field.slice(0, bar), name: field.slice(bar + 1), seen: seen as SharedSeen };
}

export class RedisPresence implements PresenceShare {
  /** This server, among the fleet: unique per process, and telling where it runs to whoever reads Redis. */
  readonly server = `${hostname().replace(/\|/g, '_')}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private readonly keys: RedisKeys;
  private readonly aliveMs: number;
  /** Views not written yet, by room, then by name. */
  private pending = new Map<string, Map<string, SharedSeen>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  /** Whether a heartbeat / a write failed last time: each is warned about once until it works again. */
  private readonly failing = { beat: false, write: false };
  private closed = false;

  constructor(private readonly options: RedisPresenceOptions) {
    this.keys = new RedisKeys(options.prefix ?? 'im:');
    this.aliveMs = options.aliveMs ?? 6000;
    this.heartbeat = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.aliveMs / 3))).unref();
  }

  /** Marks this server alive now (and the first time, before any view of it can be read). */
  async beat(): Promise<void> {
    await this.options.redis.sendCommand(['SET', this.keys.serverAlive(this.server), '1', 'PX', String(this.aliveMs)]).then(
      () => (this.failing.beat = false),
      (err: unknown) => this.failed('beat', err),
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
    const key = this.keys.presence(roomId);
    const flat = (await this.call(['HGETALL', key])) as string[] | Record<string, string>;
    const pairs = Array.isArray(flat) ? flat.flatMap((f, i) => (i % 2 === 0 ? [[f, flat[i + 1]!] as const] : [])) : Object.entries(flat);
    const views = [];
    const stale: string[] = [];
    for (const [field, json] of pairs) {
      const view = parseView(field, json);
      if (view === undefined) stale.push(field);
      else if (view.server !== this.server) views.push({ field, ...view });
    }
    const servers = [...new Set(views.map((v) => v.server))];
    // One key at a time: a server's key and the room's hash need not be on one Cluster shard.
    const beats = await Promise.all(servers.map((s) => this.call(['EXISTS', this.keys.serverAlive(s)])));
    const alive = new Set(servers.filter((_, i) => Number(beats[i]) === 1));
    const oldest = Date.now() - KEEP_MS;
    const remote: RemoteSeen[] = [];
    for (const { field, server, name, seen } of views) {
      if (alive.has(server)) remote.push({ ...seen, name });
      // A dead server's listeners are gone with it; what it saw still counts for the times, for a day.
      else if (Math.max(seen.lastSeenAt ?? 0, seen.lastPostAt ?? 0) < oldest) stale.push(field);
      else remote.push({ ...seen, name, listeners: 0, quietSince: undefined });
    }
    if (stale.length > 0) void this.options.redis.sendCommand(['HDEL', key, ...stale]).catch(() => {});
    return remote;
  }

  drop(roomId: string, name: string): void {
    this.pending.get(roomId)?.delete(name);
    void this.options.redis.sendCommand(['HDEL', this.keys.presence(roomId), fieldOf(this.server, name)]).catch(() => {});
  }

  forget(roomId: string): void {
    this.pending.delete(roomId);
    void this.options.redis.sendCommand(['DEL', this.keys.presence(roomId)]).catch(() => {});
  }

  /** Writes what is pending, says this server is gone, and stops. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    await this.flushing;
    await this.flush();
    await this.options.redis.sendCommand(['DEL', this.keys.serverAlive(this.server)]).catch(() => {});
  }

  /** Writes the pending views, one script per room; views that fail to be written are tried again. */
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
              const fields = [...names].flatMap(([name, seen]) => [fieldOf(this.server, name), JSON.stringify(seen)]);
              if (fields.length === 0) return;
              await runScript(this.options.redis, PUT_VIEWS, [this.keys.room(roomId), this.keys.presence(roomId)], fields);
            }),
          );
          this.failing.write = false;
        } catch (err) {
          this.failed('write', err);
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

  private failed(what: 'beat' | 'write', err: unknown): void {
    if (this.failing[what] || this.closed) return;
    this.failing[what] = true;
    const doing = what === 'beat' ? 'tell Redis this server is alive' : "share this server's presence through Redis";
    this.options.warn?.(`could not ${doing} (${(err as Error)?.message ?? String(err)}); the other servers may not count its listeners until it works again`);
  }

  /** A read for the presence route: a failure is Redis's (503), said as the store says it. */
  private async call(args: string[]): Promise<unknown> {
    try {
      return await this.options.redis.sendCommand(args);
    } catch (err) {
      throw redisFailure(err);
    }
  }
}
