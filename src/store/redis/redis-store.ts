// The Redis store: rooms, keys and agents in hashes, messages in one stream per room (id 0-<seq>), live delivery
// across instances through pub/sub. Several servers may share one Redis or one Redis Cluster; each room's keys share one
// hash slot, and nothing else spans slots (src/store/redis/keys.ts).
import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_ROOMS, MAX_BATCH, MAX_INBOX_NAMES } from '../../api/limits.js';
import type { Agent, Message, Room, RoomPatch, RoomSettings } from '../../api/types.js';
import { byCreation } from '../agent-order.js';
import { StoreError, roomNotFound, tooManyNames } from '../errors.js';
import { ROOM_ID_PATTERN, newRoomId } from '../ids.js';
import type { Warn } from '../store.js';
import { rememberJson } from '../message-json.js';
import type { Retention } from '../store.js';
import { redactedCopy } from '../redaction.js';
import { pickPage, type RoomPage } from '../room-order.js';
import type { KeyHashes, KeyOwner, MessageListener, NewMessage, NewRoom, ReadOptions, RedactListener, RoomRecord, Store } from '../store.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, connectRedis, isCluster, redisFailure, type RedisConnection, type RedisConnectionOptions } from './connection.js';
import { checkDurability } from './durability.js';
import { RedisKeys } from './keys.js';
import { LiveRooms } from './live-rooms.js';
import { RoomBatches } from './room-batches.js';
import { redactRedisUrl } from './url.js';
import { ReplicaWait } from './replica-wait.js';
import { ADD_AGENT, ADMIT, APPEND, COUNT_IN, CREATE, DROP, IMPORT, PATCH, RAISE, READ_VISIBLE, REPLACE, SET_CURSOR, runScript, sharded } from './scripts.js';

export interface RedisStoreOptions extends RedisConnectionOptions {
  /** Prepended to every key and channel (default "im:"). */
  prefix?: string;
  /** Oldest messages dropped past a count (at each append) or an age (checked periodically). */
  retention?: Retention;
  /** Most rooms in this Redis under this prefix, counted across every instance (default 10,000). */
  maxRooms?: number;
  /** How often a room with listeners here is checked for having left Redis without a delete notice (default 10 s). */
  roomCheckMs?: number;
  /**
   * Replicas that must have a write before it is acknowledged (Redis WAIT, within the command timeout; default 0:
   * none, and nothing of this is done). Past the timeout the call fails with StoreError('unavailable'); messages are
   * held back from every reader until replicas have them (docs/storage-and-scaling.md, "Replicas and --redis-wait").
   */
  redisWait?: number;
}

type Hash = Record<string, string>;
/** One append's messages on their way to Redis (src/store/redis/room-batches.ts): each as the text before and after
 *  its seq; `unless`: the room hash fields that refuse it (appendUnless). */
interface Batch {
  createdAt: string;
  parts: string[];
  unless: readonly string[];
}
type StreamEntry = [id: string, fields: string[]];

const SETTING = 's:';
/** How soon held-back messages are tried again for replicas (--redis-wait). */
const SETTLE_MS = 1000;

export class RedisStore implements Store {
  private client: RedisConnection | undefined;
  private subscriber: RedisConnection | undefined;
  /** Laid out for a single Redis until open() finds a Cluster. */
  private keys: RedisKeys;
  /** The scripts that send a notice, with PUBLISH or (on a Cluster) SPUBLISH. */
  private scripts = { append: APPEND, replace: REPLACE, raise: RAISE };
  /** With --redis-wait N > 0: WAIT's own connection (used for nothing else, as WAIT blocks it); on a single Redis one
   *  ReplicaWait for every write, on a Cluster one per room with a round on its way (each room's master waits for its
   *  own replicas). */
  private waiter: { connection: RedisConnection; replicas: number; timeoutMs: number; rooms: Map<string, ReplicaWait> } | undefined;
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private readonly warn: Warn;
  private readonly live: LiveRooms;
  private retentionTimer: NodeJS.Timeout | undefined;
  /** getRoom's reads made in this turn of the event loop, not yet written to Redis. */
  private readonly roomReads = new Map<string, Promise<Room | undefined>>();
  private readonly batches = new RoomBatches((roomId: string, batches: Batch[]) => this.appendGroup(roomId, batches), MAX_BATCH);

  constructor(private readonly options: RedisStoreOptions) {
    this.keys = new RedisKeys(options.prefix);
    this.warn = options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
    this.live = new LiveRooms(
      {
        lastSeq: async (roomId) => {
          if (this.held) {
            const [seq, rs] = await this.redis.hmGet(this.keys.room(roomId), ['seq', 'rs']);
            return seq === null || seq === undefined ? undefined : Number(rs ?? seq);
          }
          const seq = await this.redis.hGet(this.keys.room(roomId), 'seq');
          return seq === null || seq === undefined ? undefined : Number(seq);
        },
        readAfter: async (roomId, after, limit) => {
          if (this.held) return this.readVisible(roomId, after, limit);
          const [exists, page] = await Promise.all([this.redis.exists(this.keys.room(roomId)), this.range(roomId, after, limit)]);
          return exists ? page : undefined;
        },
      },
      this.warn,
      options.roomCheckMs,
    );
  }

  /** Connects (a command connection and a subscriber); throws StoreError('unavailable') if Redis cannot be reached. */
  async open(): Promise<void> {
    this.client = await connectRedis({ ...this.options, warn: this.warn });
    const cluster = isCluster(this.client);
    this.keys = new RedisKeys(this.options.prefix, cluster);
    const known = { ...this.options, cluster };
    if (cluster) this.scripts = { append: sharded(APPEND), replace: sharded(REPLACE), raise: sharded(RAISE) };
    try {
      this.subscriber = await connectRedis({ ...known, warn: () => {} }, 'im-for-agents-live');
      await this.live.start(this.subscriber, (roomId) => this.keys.notices(roomId), cluster);
      await checkDurability(this.client, redactRedisUrl(this.options.url), this.warn);
      const replicas = this.options.redisWait ?? 0;
      if (replicas > 0) {
        // WAIT answers within the command timeout; the connection's own deadline is a little later, for the answer.
        const timeoutMs = this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
        const connection = await connectRedis({ ...known, commandTimeoutMs: timeoutMs + 1000, warn: () => {} }, 'im-for-agents-wait');
        this.waiter = { connection, replicas, timeoutMs, rooms: new Map() };
      }
    } catch (err) {
      await this.close();
      throw redisFailure(err);
    }
    const maxAgeMs = this.options.retention?.maxAgeMs;
    if (maxAgeMs !== undefined) {
      const every = Math.max(1000, Math.min(60_000, maxAgeMs / 2));
      this.retentionTimer = setInterval(() => void this.dropOld(maxAgeMs).catch(() => {}), every).unref();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    for (const timer of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
    await this.live.close();
    const clients = [this.subscriber, this.client, this.waiter?.connection];
    this.subscriber = this.client = this.waiter = undefined;
    await Promise.allSettled(clients.map((c) => c?.close()));
  }

  /** Whether the store is open on a Redis Cluster (so another connection to its URL need not ask). */
  get onCluster(): boolean {
    return this.keys.cluster;
  }

  /** Whether messages are held back until replicas have them (--redis-wait N > 0). */
  private get held(): boolean {
    return (this.options.redisWait ?? 0) > 0;
  }

  /** With --redis-wait: resolves once N replicas have every write made so far to this room's Redis (on a Cluster, its
   *  master) (else StoreError('unavailable')). */
  private async replicated(roomId: string): Promise<void> {
    if (!this.held) return;
    const waiter = this.waiter;
    if (!waiter) throw new StoreError('unavailable', 'The store is not open (or is shutting down).');
    const probe = this.keys.waitProbe(roomId);
    let wait = waiter.rooms.get(probe);
    if (!wait) waiter.rooms.set(probe, (wait = new ReplicaWait(waiter.connection, waiter.replicas, waiter.timeoutMs, probe, () => waiter.rooms.delete(probe))));
    await wait.confirm();
  }

  /** With --redis-wait: the room's messages up to `seq` are on the replicas; readers may see them now. */
  private async reveal(roomId: string, seq: number): Promise<void> {
    await runScript(this.redis, this.scripts.raise, [this.keys.room(roomId)], [String(seq), this.keys.notices(roomId), roomId]);
  }

  /**
   * With --redis-wait: makes the room's held-back messages visible once replicas have them, trying every second: the
   * messages of a send that answered 503, or of a server that died between its append and its reveal. Readers call
   * it when they see some held back; a later send in the room reveals them too.
   */
  private settleSoon(roomId: string): void {
    if (!this.held || this.settling.has(roomId) || !this.client) return;
    const attempt = async () => {
      try {
        const seq = await this.redis.hGet(this.keys.room(roomId), 'seq');
        if (seq !== null && seq !== undefined) {
          await this.replicated(roomId);
          await this.reveal(roomId, Number(seq));
        }
        this.settling.delete(roomId);
      } catch {
        if (this.settling.has(roomId)) this.settling.set(roomId, setTimeout(() => void attempt(), SETTLE_MS).unref());
      }
    };
    this.settling.set(roomId, setTimeout(() => void attempt(), SETTLE_MS).unref());
  }

  /** With --redis-wait: up to `limit` visible messages after `after` (or the newest), undefined for no such room. */
  private async readVisible(roomId: string, after: number | undefined, limit: number): Promise<Message[] | undefined> {
    const reply = (await runScript(this.redis, READ_VISIBLE, [this.keys.room(roomId), this.keys.log(roomId)], [after === undefined ? '' : String(after + 1), String(limit)])) as
      | [string, string, StreamEntry[]]
      | null;
    if (!reply) return undefined;
    const [seq, top, entries] = reply;
    if (Number(top) < Number(seq)) this.settleSoon(roomId);
    const page = entries.map(parseEntry);
    return after === undefined ? page.reverse() : page;
  }

  private get redis(): RedisConnection {
    if (!this.client) throw new StoreError('unavailable', 'The store is not open (or is shutting down).');
    return this.client;
  }

  /** Every failure as a StoreError: a room Redis found missing mid-change is room_not_found, the rest unavailable. */
  private async run<T>(roomId: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (roomId !== undefined && /\bNOROOM\b/.test((err as Error)?.message ?? '')) throw roomNotFound(roomId);
      throw redisFailure(err);
    }
  }

  async createRoom(input: NewRoom): Promise<Room> {
    return this.run(undefined, async () => {
      const id = newRoomId();
      const fields: Hash = { name: input.name, createdAt: new Date().toISOString(), seq: '0' };
      await this.addRoom(id, fields, input.keyHashes, []);
      await this.replicated(id);
      return toRoom(id, fields, 0);
    });
  }

  async importRoom({ room, keyHashes, agents }: RoomRecord): Promise<Room> {
    if (!ROOM_ID_PATTERN.test(room.id)) throw new StoreError('corrupt', `Room id ${JSON.stringify(room.id)} is not valid.`);
    return this.run(room.id, async () => {
      const fields: Hash = { name: room.name, createdAt: room.createdAt, seq: '0' };
      if (room.topic !== undefined) fields.topic = room.topic;
      for (const [k, v] of Object.entries(room.settings ?? {})) fields[SETTING + k] = JSON.stringify(v);
      await this.addRoom(room.id, fields, keyHashes, agents);
      await this.replicated(room.id);
      return toRoom(room.id, fields, 0);
    });
  }

  /** The room's hash first (refused if the id is taken), then its place in the catalog, counted against the maximum in
   *  one step with the check so instances creating at once never pass it (on a Cluster the count is a key of its own,
   *  counted before the room enters its index bucket); then agents and key owners. */
  private async addRoom(id: string, fields: Hash, keyHashes: KeyHashes | undefined, agents: RoomRecord['agents']): Promise<void> {
    const max = this.options.maxRooms ?? DEFAULT_MAX_ROOMS;
    const room = this.keys.room(id);
    if (keyHashes) Object.assign(fields, { kw: keyHashes.write, kr: keyHashes.read });
    if ((await runScript(this.redis, CREATE, [room], Object.entries(fields).flat())) !== 1) {
      throw new StoreError('conflict', `Room ${id} already exists.`);
    }
    const score = Date.parse(fields.createdAt!);
    let admitted: boolean;
    if (!this.keys.cluster) admitted = (await runScript(this.redis, ADMIT, [this.keys.roomIndex(id)], [String(max), String(score), id])) === 1;
    else if ((admitted = (await runScript(this.redis, COUNT_IN, [this.keys.roomCount], [String(max)])) === 1)) await this.redis.zAdd(this.keys.roomIndex(id), { score, value: id });
    if (!admitted) {
      await this.redis.del(room);
      throw new StoreError('limit', `This server already holds its maximum of ${max} rooms.`);
    }
    if (agents.length > 0) {
      await this.redis.hSet(this.keys.agents(id), Object.fromEntries(agents.map((a) => [a.name, JSON.stringify({ key: a.keyHash, createdAt: a.createdAt })])));
      await Promise.all(agents.map((a) => this.redis.set(this.keys.key(a.keyHash), JSON.stringify({ roomId: id, access: 'write', agent: a.name }))));
    }
    if (keyHashes) await this.setKeyOwners(id, keyHashes);
  }

  async exportRoom(id: string): Promise<RoomRecord | undefined> {
    return this.run(id, async () => {
      const [hash, count, agents, cursors] = await Promise.all([
        this.redis.hGetAll(this.keys.room(id)),
        this.redis.xLen(this.keys.log(id)),
        this.redis.hGetAll(this.keys.agents(id)),
        this.redis.hGetAll(this.keys.cursors(id)),
      ]);
      if (hash.createdAt === undefined) return undefined;
      return {
        room: toRoom(id, hash, count, this.held),
        ...(hash.kw !== undefined && hash.kr !== undefined && { keyHashes: { write: hash.kw, read: hash.kr } }),
        agents: Object.entries(agents)
          .map(([name, json]) => {
            const { key, createdAt } = JSON.parse(json) as { key: string; createdAt: string };
            return { name, keyHash: key, createdAt };
          })
          .sort(byCreation),
        cursors: Object.fromEntries(Object.entries(cursors).map(([name, seq]) => [name, Number(seq)])),
      };
    });
  }

  async importMessages(roomId: string, messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    const wrong = messages.find((m, i) => m.roomId !== roomId || m.seq !== messages[0]!.seq + i);
    if (wrong) throw new StoreError('conflict', `Room ${roomId} takes its own messages in seq order, not message ${wrong.seq} of room ${wrong.roomId}.`);
    const last = messages.at(-1)!;
    await this.run(roomId, async () => {
      try {
        await runScript(this.redis, IMPORT, [this.keys.room(roomId), this.keys.log(roomId)], [String(messages[0]!.seq), last.createdAt, ...messages.map((m) => JSON.stringify(m))]);
      } catch (err) {
        const expected = /CONFLICT (\d+)/.exec((err as Error)?.message ?? '');
        if (expected) throw new StoreError('conflict', `Room ${roomId} expects seq ${expected[1]} next, not ${messages[0]!.seq}.`);
        throw err;
      }
      await Promise.all([
        this.redis.zAdd(this.keys.roomIndex(roomId), { score: Date.parse(last.createdAt), value: roomId }, { condition: 'XX', comparison: 'GT' }),
        this.held ? this.replicated(roomId).then(() => this.reveal(roomId, last.seq)) : this.publish(roomId, `${roomId} ${last.seq}`),
      ]);
    });
  }

  /** One key per entry, each on its own slot on a Cluster, so one SET each (no MSET across slots). */
  private async setKeyOwners(roomId: string, keyHashes: KeyHashes): Promise<void> {
    await Promise.all([
      this.redis.set(this.keys.key(keyHashes.write), JSON.stringify({ roomId, access: 'write' })),
      this.redis.set(this.keys.key(keyHashes.read), JSON.stringify({ roomId, access: 'read' })),
    ]);
  }

  /** Removes key entries, one DEL each (see setKeyOwners). */
  private async dropKeyOwners(keyHashes: readonly string[]): Promise<void> {
    await Promise.all(keyHashes.map((k) => this.redis.del(this.keys.key(k))));
  }

  /** A notice on the room's channel (src/store/redis/keys.ts notices). */
  private publish(roomId: string, notice: string): Promise<number> {
    const channel = this.keys.notices(roomId);
    return this.keys.cluster ? this.redis.sPublish(channel, notice) : this.redis.publish(channel, notice);
  }

  async findKey(hash: string): Promise<KeyOwner | undefined> {
    const owner = await this.run(undefined, () => this.redis.get(this.keys.key(hash)));
    return owner ? (JSON.parse(owner) as KeyOwner) : undefined;
  }

  /** Calls for one room in the same turn of the event loop share one read: the client writes its commands only at
   *  the end of the turn, so the read still runs after each of them was made (each caller gets its own copy). */
  async getRoom(id: string): Promise<Room | undefined> {
    let read = this.roomReads.get(id);
    if (!read) {
      if (this.roomReads.size === 0) setImmediate(() => this.roomReads.clear());
      this.roomReads.set(id, (read = this.readRoom(id)));
    }
    const room = await read;
    return room && { ...room, ...(room.settings && { settings: { ...room.settings } }) };
  }

  private readRoom(id: string): Promise<Room | undefined> {
    return this.run(id, async () => {
      const [hash, count] = await Promise.all([this.redis.hGetAll(this.keys.room(id)), this.redis.xLen(this.keys.log(id))]);
      return hash.createdAt === undefined ? undefined : toRoom(id, hash, count, this.held);
    });
  }

  /**
   * The catalog is a sorted set by last activity (ms), or on a Cluster several (keys.ts roomIndexes), so a page reads
   * only the rooms from the previous page's end on: from each set, `limit` of them plus every room that ties with
   * either end (a set orders ties by id, the list by creation first); of all those, the `limit` newest plus the ties
   * at either end; then puts them in exactly the order of compareRooms.
   */
  async listRooms(page?: RoomPage): Promise<Room[]> {
    return this.run(undefined, async () => {
      const limit = page?.limit ?? Infinity;
      const max = page?.after ? String(Date.parse(page.after.lastActivityAt)) : '+inf';
      const found = await Promise.all(
        this.keys.roomIndexes.map(async (index) => {
          if (!Number.isFinite(limit)) return { ties: 0, entries: await this.newestIn(index, max, '-inf') };
          const ties = page?.after ? await this.redis.zCount(index, max, max) : 0;
          const want = limit + ties;
          const entries = await this.newestIn(index, max, '-inf', want);
          if (entries.length < want || want === 0) return { ties, entries };
          return { ties, entries: await this.newestIn(index, max, String(entries.at(-1)!.score)) };
        }),
      );
      let entries = found.length === 1 ? found[0]!.entries : found.flatMap((f) => f.entries).sort((x, y) => y.score - x.score);
      const want = limit + found.reduce((n, f) => n + f.ties, 0);
      if (entries.length > want) {
        const low = entries[want - 1]?.score ?? Infinity;
        entries = entries.filter((e) => e.score >= low);
      }
      const rooms = (await Promise.all(entries.map((e) => this.getRoom(e.id)))).filter((r): r is Room => r !== undefined);
      return pickPage(rooms, page ?? { limit: Infinity }, (r) => r, (r) => r);
    });
  }

  /** The rooms of one index set scored from `max` down to `min`, newest first, at most `count`. */
  private async newestIn(index: string, max: string, min: string, count?: number): Promise<{ id: string; score: number }[]> {
    const args = ['ZREVRANGEBYSCORE', index, max, min, 'WITHSCORES', ...(count === undefined ? [] : ['LIMIT', '0', String(count)])];
    // RESP3 (what node-redis speaks): [id, score] pairs.
    const pairs = (await this.redis.sendCommand(args)) as [string, number | string][];
    return pairs.map(([id, score]) => ({ id, score: Number(score) }));
  }

  async updateRoom(id: string, patch: RoomPatch): Promise<Room> {
    const set: string[] = [];
    const del: string[] = [];
    if (patch.name !== undefined) set.push('name', patch.name);
    if (patch.topic === null) del.push('topic');
    else if (patch.topic !== undefined) set.push('topic', patch.topic);
    // One field per setting, so two instances changing different settings at once both keep theirs.
    for (const [k, v] of Object.entries(patch.settings ?? {})) {
      if (v === null || v === undefined) del.push(SETTING + k);
      else set.push(SETTING + k, JSON.stringify(v));
    }
    return this.run(id, async () => {
      const [reply, count] = await Promise.all([
        runScript(this.redis, PATCH, [this.keys.room(id)], [String(set.length / 2), ...set, ...del]),
        this.redis.xLen(this.keys.log(id)),
      ]);
      await this.replicated(id);
      return toRoom(id, pairs(reply as string[]), count, this.held);
    });
  }

  async deleteRoom(id: string): Promise<boolean> {
    return this.run(id, async () => {
      // The room's keys go in one step with reading the key digests it holds: a key that setKeys or addAgent wrote
      // before that step is in the answer, and one written after finds the room gone and removes its own entry.
      const held = (await runScript(this.redis, DROP, [this.keys.room(id), this.keys.agents(id), this.keys.log(id), this.keys.cursors(id), this.keys.scratch(id)], [])) as
        | string[]
        | null;
      if (!held) return false;
      const [write, read, ...agents] = held;
      const keyHashes = [write, read, ...agents.map((a) => (JSON.parse(a) as { key: string }).key)].filter((k): k is string => !!k);
      await Promise.all([this.dropKeyOwners(keyHashes), this.unlist(id), this.publish(id, `${id} deleted`)]);
      await this.replicated(id);
      this.live.deleted(id);
      return true;
    });
  }

  /** Out of the catalog (and, on a Cluster, out of its count, once: only the call that removed the entry counts it out). */
  private async unlist(id: string): Promise<void> {
    const removed = await this.redis.zRem(this.keys.roomIndex(id), id);
    if (removed === 1 && this.keys.cluster) await this.redis.decr(this.keys.roomCount);
  }

  onDelete(roomId: string, listener: () => void): () => void {
    return this.live.onDelete(roomId, listener);
  }

  async setKeys(roomId: string, keyHashes: KeyHashes): Promise<void> {
    await this.run(roomId, async () => {
      const [oldWrite, oldRead] = await this.redis.hmGet(this.keys.room(roomId), ['kw', 'kr']);
      // The new keys' entries first, then the room takes them (a delete from then on removes them); a room deleted
      // before that takes its new entries with it here.
      await this.setKeyOwners(roomId, keyHashes);
      await this.unlessGone(runScript(this.redis, PATCH, [this.keys.room(roomId)], ['2', 'kw', keyHashes.write, 'kr', keyHashes.read]), [keyHashes.write, keyHashes.read]);
      const old = [oldWrite, oldRead].filter((k): k is string => typeof k === 'string' && k !== keyHashes.write && k !== keyHashes.read);
      await this.dropKeyOwners(old);
      await this.replicated(roomId);
    });
  }

  async addAgent(roomId: string, name: string, keyHash: string): Promise<Agent> {
    const createdAt = new Date().toISOString();
    return this.run(roomId, async () => {
      // The key's entry first, then the agent (a delete from then on removes the entry with it), as setKeys does.
      await this.redis.set(this.keys.key(keyHash), JSON.stringify({ roomId, access: 'write', agent: name }));
      const added = await this.unlessGone(runScript(this.redis, ADD_AGENT, [this.keys.room(roomId), this.keys.agents(roomId)], [name, JSON.stringify({ key: keyHash, createdAt })]), [keyHash]);
      if (added !== 1) {
        await this.redis.del(this.keys.key(keyHash));
        throw new StoreError('conflict', `Room ${roomId} already has an agent named "${name}".`);
      }
      await this.replicated(roomId);
      return { name, createdAt };
    });
  }

  /** `change`'s answer; when it found the room deleted (NOROOM), the key entries written for it are removed first. */
  private async unlessGone<T>(change: Promise<T>, keyHashes: readonly string[]): Promise<T> {
    try {
      return await change;
    } catch (err) {
      if (/\bNOROOM\b/.test((err as Error)?.message ?? '')) await this.dropKeyOwners(keyHashes);
      throw err;
    }
  }

  async listAgents(roomId: string): Promise<Agent[]> {
    return this.run(roomId, async () => {
      const [exists, agents] = await Promise.all([this.redis.exists(this.keys.room(roomId)), this.redis.hGetAll(this.keys.agents(roomId))]);
      if (!exists) throw roomNotFound(roomId);
      return Object.entries(agents)
        .map(([name, json]) => ({ name, createdAt: (JSON.parse(json) as { createdAt: string }).createdAt }))
        .sort(byCreation);
    });
  }

  async removeAgent(roomId: string, name: string): Promise<boolean> {
    return this.run(roomId, async () => {
      const [exists, json] = await Promise.all([this.redis.exists(this.keys.room(roomId)), this.redis.hGet(this.keys.agents(roomId), name)]);
      if (!exists) throw roomNotFound(roomId);
      if (json === null || json === undefined) return false;
      // The key stops working first; the name goes after.
      await this.redis.del(this.keys.key((JSON.parse(json) as { key: string }).key));
      const removed = (await this.redis.hDel(this.keys.agents(roomId), name)) === 1;
      await this.replicated(roomId);
      return removed;
    });
  }

  /** Resolves once Redis has the whole batch (one script: all of it or, on a failure before it ran, none). Batches
   *  sent into one room while its previous script is on its way go together in the next script, each still whole. */
  async append(roomId: string, inputs: readonly NewMessage[]): Promise<Message[]> {
    return (await this.run(roomId, () => this.appendIn(roomId, inputs, []))) ?? [];
  }

  /** As append, with the room's existence and `settings` checked by the same script: one round trip per send. */
  async appendUnless(roomId: string, inputs: readonly NewMessage[], settings: readonly (keyof RoomSettings)[]): Promise<Message[] | undefined> {
    try {
      return await this.run(roomId, () => this.appendIn(roomId, inputs, settings.map((k) => SETTING + k)));
    } catch (err) {
      if (err instanceof StoreError && err.code === 'room_not_found') return undefined;
      throw err;
    }
  }

  /** The batch's messages, or undefined when the room has one of the hash fields `unless`. */
  private async appendIn(roomId: string, inputs: readonly NewMessage[], unless: readonly string[]): Promise<Message[] | undefined> {
    if (inputs.length === 0) return [];
    const createdAt = new Date().toISOString();
    const parts: string[] = [];
    const drafts = inputs.map((input) => {
      const id = randomUUID();
      const head = `{"id":"${id}","seq":`;
      const text = JSON.stringify({ id, seq: 0, roomId, ...input, createdAt });
      const tail = text.slice(head.length + 1);
      parts.push(head, tail);
      return { message: { id, seq: 0, roomId, ...input, createdAt } as Message, head, tail };
    });
    const first = await this.batches.add(roomId, { createdAt, parts, unless }, inputs.length);
    if (first === 0) return undefined;
    const messages = drafts.map(({ message, head, tail }, i) => {
      message.seq = first + i;
      rememberJson(message, head + message.seq + tail);
      return message;
    });
    this.live.appended(roomId, messages);
    return messages;
  }

  /** One script for the batches of one group; answers each batch's first seq (0 for one its `unless` refused). */
  private async appendGroup(roomId: string, batches: Batch[]): Promise<number[]> {
    const createdAt = batches.reduce((latest, b) => (b.createdAt > latest ? b.createdAt : latest), batches[0]!.createdAt);
    const args = [createdAt, String(Date.parse(createdAt)), String(this.options.retention?.maxMessages ?? 0), this.held ? '' : this.keys.notices(roomId), roomId];
    for (const b of batches) args.push(String(b.unless.length), ...b.unless, String(b.parts.length / 2), ...b.parts);
    const cluster = this.keys.cluster;
    const keys = [this.keys.room(roomId), this.keys.log(roomId), ...(cluster ? [] : [this.keys.roomIndex(roomId)])];
    const firsts = (await runScript(this.redis, this.scripts.append, keys, args)) as number[];
    const stored = firsts.filter((f) => f > 0).length;
    // On a Cluster the catalog is on other slots: its order only, the messages are stored already, so a failure here
    // must not fail the send.
    if (cluster && stored > 0) this.client?.zAdd(this.keys.roomIndex(roomId), { score: Date.parse(createdAt), value: roomId }, { condition: 'XX', comparison: 'GT' }).catch(() => {});
    if (this.held && stored > 0) {
      // Readers see the messages, and the notice goes out, only once the replicas have them; a 503 leaves them held
      // back until a replica confirms them (settleSoon) or a failover loses them.
      const last = Math.max(...firsts.map((f, i) => (f > 0 ? f + batches[i]!.parts.length / 2 - 1 : 0)));
      try {
        await this.replicated(roomId);
        await this.reveal(roomId, last);
      } catch (err) {
        this.settleSoon(roomId);
        throw err;
      }
    }
    return firsts.map(Number);
  }

  async read(roomId: string, options: ReadOptions): Promise<Message[]> {
    if (options.limit <= 0) return [];
    return this.run(roomId, async () => {
      if (this.held) {
        const page = await this.readVisible(roomId, options.after, options.limit);
        if (!page) throw roomNotFound(roomId);
        return page;
      }
      const newest = options.after === undefined;
      const [exists, page] = await Promise.all([
        this.redis.exists(this.keys.room(roomId)),
        newest ? this.newest(roomId, options.limit) : this.range(roomId, options.after!, options.limit),
      ]);
      if (!exists) throw roomNotFound(roomId);
      return page;
    });
  }

  subscribe(roomId: string, listener: MessageListener): () => void {
    return this.live.subscribe(roomId, listener);
  }

  async getCursor(roomId: string, name: string): Promise<number> {
    return this.run(roomId, async () => {
      const [exists, seq] = await Promise.all([this.redis.exists(this.keys.room(roomId)), this.redis.hGet(this.keys.cursors(roomId), name)]);
      if (!exists) throw roomNotFound(roomId);
      return Number(seq ?? 0);
    });
  }

  async setCursor(roomId: string, name: string, seq: number, options: { uncapped?: boolean } = {}): Promise<number> {
    const keys = [this.keys.room(roomId), this.keys.cursors(roomId), this.keys.agents(roomId)];
    const cursor = await this.run(roomId, async () => Number(await runScript(this.redis, SET_CURSOR, keys, [name, String(seq), String(options.uncapped ? Number.MAX_SAFE_INTEGER : MAX_INBOX_NAMES)])));
    if (cursor < 0) throw tooManyNames();
    await this.run(roomId, () => this.replicated(roomId));
    return cursor;
  }

  async redact(roomId: string, seq: number): Promise<Message | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 1) {
      await this.getCursor(roomId, ''); // an unknown room is still room_not_found
      return undefined;
    }
    return this.run(roomId, async () => {
      for (;;) {
        const [exists, entries] = await Promise.all([
          this.redis.exists(this.keys.room(roomId)),
          this.redis.sendCommand(['XRANGE', this.keys.log(roomId), `0-${seq}`, `0-${seq}`]) as Promise<StreamEntry[]>,
        ]);
        if (!exists) throw roomNotFound(roomId);
        const entry = entries[0];
        if (!entry || (this.held && !(await this.visible(roomId, seq)))) return undefined;
        const message = parseEntry(entry);
        if (message.redacted) return message;
        const copy = redactedCopy(message, new Date().toISOString());
        const json = JSON.stringify(copy);
        rememberJson(copy, json);
        const done = await runScript(
          this.redis,
          this.scripts.replace,
          [this.keys.room(roomId), this.keys.log(roomId), this.keys.scratch(roomId)],
          [String(seq), entry[1][1]!, json, this.keys.notices(roomId), `${roomId} redacted ${json}`],
        );
        // 0: another instance redacted it between our read and our script; read it again and answer with theirs.
        if (done !== 1) continue;
        await this.replicated(roomId);
        this.live.redactedMessage(roomId, copy);
        return copy;
      }
    });
  }

  /** With --redis-wait: whether readers see the room's message `seq` yet. */
  private async visible(roomId: string, seq: number): Promise<boolean> {
    const [last, rs] = await this.redis.hmGet(this.keys.room(roomId), ['seq', 'rs']);
    return seq <= Number(rs ?? last ?? 0);
  }

  onRedact(roomId: string, listener: RedactListener): () => void {
    return this.live.onRedact(roomId, listener);
  }

  private async range(roomId: string, after: number, limit: number): Promise<Message[]> {
    const reply = (await this.redis.sendCommand(['XRANGE', this.keys.log(roomId), `0-${after + 1}`, '+', 'COUNT', String(limit)])) as StreamEntry[];
    return reply.map(parseEntry);
  }

  private async newest(roomId: string, limit: number): Promise<Message[]> {
    const reply = (await this.redis.sendCommand(['XREVRANGE', this.keys.log(roomId), '+', '-', 'COUNT', String(limit)])) as StreamEntry[];
    return reply.map(parseEntry).reverse();
  }

  /** Age retention: each room's stream is trimmed up to its first message newer than the cutoff. */
  private async dropOld(maxAgeMs: number): Promise<void> {
    const cutoff = new Date(Date.now() - maxAgeMs).toISOString();
    const ids = (await Promise.all(this.keys.roomIndexes.map((index) => this.redis.zRange(index, 0, -1)))).flat();
    for (const id of ids) {
      for (;;) {
        const oldest = await this.range(id, 0, 100);
        const keep = oldest.find((m) => m.createdAt >= cutoff);
        const cut = keep?.seq ?? (oldest.length === 100 ? oldest.at(-1)!.seq + 1 : (oldest.at(-1)?.seq ?? 0) + 1);
        if (oldest.length === 0 || cut <= oldest[0]!.seq) break;
        await this.redis.sendCommand(['XTRIM', this.keys.log(id), 'MINID', `0-${cut}`]);
        if (keep || oldest.length < 100) break;
      }
    }
  }
}

function parseEntry([, fields]: StreamEntry): Message {
  const json = fields[1]!;
  const message = JSON.parse(json) as Message;
  rememberJson(message, json);
  return message;
}

function pairs(flat: string[]): Hash {
  const hash: Hash = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

/** `held` (--redis-wait): messages past the room's rs are not the readers' yet, so they are neither counted nor its lastSeq. */
function toRoom(id: string, hash: Hash, messageCount: number, held = false): Room {
  const seq = Number(hash.seq ?? 0);
  const visible = held && hash.rs !== undefined ? Math.min(seq, Number(hash.rs)) : seq;
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hash)) if (k.startsWith(SETTING)) settings[k.slice(SETTING.length)] = JSON.parse(v);
  return {
    id,
    name: hash.name ?? '',
    createdAt: hash.createdAt!,
    lastActivityAt: hash.lastAt ?? hash.createdAt!,
    messageCount: Math.max(0, messageCount - (seq - visible)),
    lastSeq: visible,
    ...(hash.topic !== undefined && { topic: hash.topic }),
    ...(Object.keys(settings).length > 0 && { settings: settings as RoomSettings }),
  };
}
