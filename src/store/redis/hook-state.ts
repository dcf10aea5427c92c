// Hooks, cursors and delivery leases in Redis, shared by every server of a fleet: each hook is delivered by the one
// server holding its lease (SET NX PX, renewed while held, taken over when it runs out), and its cursor is stored
// after each 2xx only while that lease is held, so a server that stalled past its lease cannot move it back.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { HookLease, HookRecord, HookState } from '../fleet-contract.js';
import type { RedisLink, RedisSubscriber } from './connection.js';
import { runScript } from './scripts.js';

export interface RedisHookStateOptions {
  redis: RedisLink;
  /** A second connection for change notices; without it a server sees other servers' changes only at its start. */
  subscriber?: RedisSubscriber;
  /** Prepended to every key and the channel (the store's prefix, default "im:"). */
  prefix?: string;
  /** How long a delivery lease lasts without renewal (default 10 s): a dead server's hooks wait this long at most. */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 10_000;

/** Adds a hook unless the room has `max`. KEYS: hooks hash. ARGV: id, JSON, max. */
const ADD = `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** Replaces a hook that still exists; with a token, only while the lease is that token's, and renews it.
 *  KEYS: hooks hash, lease. ARGV: id, JSON, token ('' for none), lease ms. Returns 1, or 0 for a lost lease. */
const UPDATE = `
if ARGV[3] ~= '' then
  if redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`;

/** Renews (ARGV[2] > 0) or releases (0) a lease that is still the token's. KEYS: lease. ARGV: token, ms. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
return 1
`;

const byCreation = (a: HookRecord, b: HookRecord) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1);

export class RedisHookState implements HookState {
  private readonly prefix: string;
  private readonly leaseMs: number;
  /** Names this server in change notices (so it skips its own) and in its lease tokens: host, pid and a random part,
   *  so `GET <prefix>{room}:hook-lease:<hook>` tells an operator which server delivers a hook. */
  private readonly instance = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;

  constructor(private readonly options: RedisHookStateOptions) {
    this.prefix = options.prefix ?? 'im:';
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Hash: hook id -> the hook's JSON (with its secret). The room's {id} tag keeps it in the room's Cluster slot. */
  private hooksKey(roomId: string): string {
    return `${this.prefix}{${roomId}}:hooks`;
  }

  leaseKey(roomId: string, hookId: string): string {
    return `${this.prefix}{${roomId}}:hook-lease:${hookId}`;
  }

  /** Set: the ids of rooms that have hooks, so a starting server finds them without scanning. */
  private get roomsKey(): string {
    return `${this.prefix}hook-rooms`;
  }

  private get channel(): string {
    return `${this.prefix}hooks-changed`;
  }

  async loadAll(): Promise<Map<string, HookRecord[]>> {
    const byRoom = new Map<string, HookRecord[]>();
    for (const roomId of (await this.options.redis.sendCommand(['SMEMBERS', this.roomsKey])) as string[]) {
      const hooks = await this.loadRoom(roomId);
      if (hooks.length > 0) byRoom.set(roomId, hooks);
    }
    return byRoom;
  }

  async loadRoom(roomId: string): Promise<HookRecord[]> {
    const flat = (await this.options.redis.sendCommand(['HGETALL', this.hooksKey(roomId)])) as string[] | Record<string, string>;
    const values = Array.isArray(flat) ? flat.filter((_, i) => i % 2 === 1) : Object.values(flat);
    return values.map((json) => JSON.parse(json) as HookRecord).sort(byCreation);
  }

  async loadHook(roomId: string, hookId: string): Promise<HookRecord | undefined> {
    const json = (await this.options.redis.sendCommand(['HGET', this.hooksKey(roomId), hookId])) as string | null;
    return json ? (JSON.parse(json) as HookRecord) : undefined;
  }

  async add(hook: HookRecord, max: number): Promise<boolean> {
    const { redis } = this.options;
    await redis.sendCommand(['SADD', this.roomsKey, hook.roomId]);
    const added = (await runScript(redis, ADD, [this.hooksKey(hook.roomId)], [hook.id, JSON.stringify(hook), String(max)])) === 1;
    if (added) await this.changed(hook.roomId);
    return added;
  }

  async update(hook: HookRecord, lease?: HookLease): Promise<boolean> {
    const token = lease instanceof RedisLease ? lease.token : '';
    const keys = [this.hooksKey(hook.roomId), this.leaseKey(hook.roomId, hook.id)];
    const kept = (await runScript(this.options.redis, UPDATE, keys, [hook.id, JSON.stringify(hook), token, String(this.leaseMs)])) === 1;
    if (!kept && lease instanceof RedisLease) lease.lost();
    // A delivering server's cursor moves are read from Redis when asked for; only other changes are announced.
    if (!token) await this.changed(hook.roomId);
    return kept;
  }

  async remove(roomId: string, hookId: string): Promise<void> {
    await this.options.redis.sendCommand(['HDEL', this.hooksKey(roomId), hookId]);
    await this.options.redis.sendCommand(['DEL', this.leaseKey(roomId, hookId)]);
    await this.changed(roomId);
  }

  async removeRoom(roomId: string): Promise<void> {
    await this.options.redis.sendCommand(['DEL', this.hooksKey(roomId)]);
    await this.options.redis.sendCommand(['SREM', this.roomsKey, roomId]);
    await this.changed(roomId);
  }

  lease(hook: HookRecord): HookLease {
    return new RedisLease(this.options.redis, this.leaseKey(hook.roomId, hook.id), this.leaseMs, this.instance);
  }

  async watch(listener: (roomId: string) => void): Promise<() => void> {
    const { subscriber } = this.options;
    if (!subscriber) return () => {};
    const onNotice = (notice: string) => {
      const [from, roomId] = notice.split(' ');
      if (roomId && from !== this.instance) listener(roomId);
    };
    await subscriber.subscribe(this.channel, onNotice);
    return () => void subscriber.unsubscribe(this.channel, onNotice).catch(() => {});
  }

  async flush(): Promise<void> {
    // Every write above is acknowledged by Redis before it resolves: nothing waits in this server.
  }

  private async changed(roomId: string): Promise<void> {
    await this.options.redis.sendCommand(['PUBLISH', this.channel, `${this.instance} ${roomId}`]);
  }
}

/** One hook's lease as seen by one server. */
class RedisLease implements HookLease {
  token = '';
  held = false;
  private controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** When Redis last confirmed the lease: past leaseMs without a confirmation, this server no longer counts on it. */
  private confirmedAt = 0;

  constructor(
    private readonly redis: RedisLink,
    private readonly key: string,
    private readonly leaseMs: number,
    private readonly instance: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get retryMs(): number {
    return Math.max(50, Math.floor(this.leaseMs / 2));
  }

  async acquire(): Promise<boolean> {
    if (this.held) return true;
    const token = `${this.instance}:${randomBytes(6).toString('hex')}`;
    const at = Date.now();
    if ((await this.redis.sendCommand(['SET', this.key, token, 'NX', 'PX', String(this.leaseMs)])) !== 'OK') return false;
    this.token = token;
    this.held = true;
    this.confirmedAt = at;
    this.controller = new AbortController();
    this.timer = setInterval(() => void this.renew(), Math.max(20, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    return true;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    const token = this.token;
    this.lost();
    await runScript(this.redis, RENEW, [this.key], [token, '0']);
  }

  /** Stops counting on the lease: the delivery in flight is aborted and the worker waits to take it again. */
  lost(): void {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.timer);
    this.controller.abort();
  }

  private async renew(): Promise<void> {
    const at = Date.now();
    try {
      if ((await runScript(this.redis, RENEW, [this.key], [this.token, String(this.leaseMs)])) === 1) this.confirmedAt = at;
      else this.lost();
    } catch {
      // Redis away: the lease may run out there while we cannot tell; stop before another server may take it.
      if (Date.now() - this.confirmedAt >= this.leaseMs * 0.8) this.lost();
    }
  }
}
