// --redis-wait on a real master and replica: a write is acknowledged once the replica has it; with the replica stopped
// it fails as unavailable and its messages stay hidden from readers and listeners until the replica has them. On a
// Redis Cluster each room's write waits for its own master's replica.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Message } from '../../../src/api/types.js';
import { StoreError } from '../../../src/store/errors.js';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { hasRedisCluster, startRedisCluster, type RedisCluster } from '../../helpers/redis-cluster.js';
import { hasRedis, replicasOnline, startRedis, type RedisServer } from '../../helpers/redis-server.js';

const open: RedisStore[] = [];
let master: RedisServer;
let replica: RedisServer;
let prefixes = 0;

/** One master and its replica for the file; each test uses a prefix of its own and leaves the replica running. */
beforeAll(async () => {
  if (!hasRedis) return;
  master = await startRedis();
  replica = await startRedis({ replicaOf: master.port });
});
afterEach(async () => {
  replica?.resume();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function openStore(redisWait: number, prefix: string): Promise<RedisStore> {
  await replicasOnline(master, 1);
  const store = new RedisStore({ url: master.url, redisWait, prefix, commandTimeoutMs: 500, warn: () => {} });
  await store.open();
  open.push(store);
  return store;
}

/** What the replica holds of a room's log, read on the replica itself. */
function onReplica(prefix: string, roomId: string): number {
  return Number(spawnSync('redis-cli', ['-p', String(replica.port), 'XLEN', `${prefix}{${roomId}}:log`], { encoding: 'utf8' }).stdout.trim());
}

async function until(ready: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000; // a guard against a hang, not a speed check
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const one = (content: string) => [{ sender: 'w', content }];

describe.skipIf(!hasRedis)('--redis-wait on a master and a replica', () => {
  test('an append is acknowledged once the replica has it; with the replica stopped it fails, stays hidden, and shows once the replica is back', async () => {
    const store = await openStore(1, 'w1:');
    const other = await openStore(1, 'w1:'); // a second server on the same Redis
    const room = await store.createRoom({ name: 'wait' });
    const heard: Message[] = [];
    other.subscribe(room.id, (ms) => heard.push(...ms));

    const [first] = await store.append(room.id, one('first'));
    expect(first!.seq).toBe(1);
    expect(onReplica('w1:', room.id)).toBe(1); // acknowledged, so the replica has it
    await until(() => heard.length === 1, 'the listener to hear the first message');

    replica.pause();
    const failed = await store.append(room.id, one('held')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(StoreError);
    expect((failed as StoreError).code).toBe('unavailable');
    expect((failed as StoreError).message).toMatch(/only 0 of the 1 replica\(s\) required \(--redis-wait 1\) confirmed it within 500 ms/);
    // Held back: not read, not counted, not heard, on this server or the other.
    for (const s of [store, other]) {
      expect((await s.read(room.id, { limit: 10 })).map((m) => m.content)).toEqual(['first']);
      expect((await s.read(room.id, { after: 0, limit: 10 })).map((m) => m.content)).toEqual(['first']);
      expect(await s.getRoom(room.id)).toMatchObject({ lastSeq: 1, messageCount: 1 });
    }
    expect(await store.redact(room.id, 2)).toBeUndefined();
    expect(heard.map((m) => m.content)).toEqual(['first']);

    replica.resume();
    // The replica catches up; the held message is revealed (retried every second) and heard once, at seq 2.
    await until(async () => (await other.read(room.id, { after: 0, limit: 10 })).length === 2, 'the held message to show');
    await until(() => heard.length === 2, 'the listener to hear it');
    expect(heard.map((m) => [m.seq, m.content])).toEqual([
      [1, 'first'],
      [2, 'held'],
    ]);
    const [third] = await other.append(room.id, one('third'));
    expect(third!.seq).toBe(3);
    await until(() => heard.length === 3, 'the third message');
    expect(heard.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await store.getRoom(room.id)).toMatchObject({ lastSeq: 3, messageCount: 3 });
  }, 60_000);

  test.each([
    ['a cursor', (s: RedisStore, id: string) => s.setCursor(id, 'reader', 1)],
    ['a redaction', (s: RedisStore, id: string) => s.redact(id, 1)],
    ['a room change', (s: RedisStore, id: string) => s.updateRoom(id, { topic: 't' })],
    ['a room', (s: RedisStore) => s.createRoom({ name: 'another' })],
  ])('%s is not acknowledged while the replica is stopped', async (_, write) => {
    const store = await openStore(1, `w2.${prefixes++}:`);
    const room = await store.createRoom({ name: 'writes' });
    await store.append(room.id, one('m'));
    replica.pause();
    await expect(write(store, room.id)).rejects.toThrow(/replica\(s\) required \(--redis-wait 1\)/);
  }, 60_000);

  test('with --redis-wait 0 (the default) a stopped replica changes nothing: the send is acknowledged at once', async () => {
    const store = await openStore(0, 'w3:');
    const room = await store.createRoom({ name: 'no wait' });
    replica.pause();
    const [m] = await store.append(room.id, one('at once'));
    expect(m!.seq).toBe(1);
    expect((await store.read(room.id, { limit: 10 })).map((x) => x.content)).toEqual(['at once']);
  }, 60_000);
});

describe.skipIf(!hasRedisCluster)('--redis-wait on a Redis Cluster', () => {
  let cluster: RedisCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
  });

  test("a send waits for its room's own master's replica: with that replica stopped the room's sends fail, a room on another master's are acknowledged", async () => {
    cluster = await startRedisCluster();
    const store = new RedisStore({ url: cluster.url, redisWait: 1, prefix: 'cw:', commandTimeoutMs: 500, warn: () => {} });
    await store.open();
    open.push(store);
    const holders = async (roomId: string) => cluster!.holders(`cw:{${roomId}}:room`);
    const first = await store.createRoom({ name: 'a' });
    const mastered = await holders(first.id);
    let other = await store.createRoom({ name: 'b' });
    while ((await holders(other.id)).master === mastered.master) other = await store.createRoom({ name: 'b' });
    expect((await store.append(first.id, one('before')))[0]!.seq).toBe(1);

    for (const r of mastered.replicas) cluster.pause(r);
    const failed = await store.append(first.id, one('held')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(StoreError);
    expect((failed as StoreError).message).toMatch(/only 0 of the 1 replica\(s\) required \(--redis-wait 1\) confirmed it within 500 ms/);
    expect((await store.append(other.id, one('elsewhere')))[0]!.seq).toBe(1); // its master's replica answers
    expect((await store.read(first.id, { limit: 10 })).map((m) => m.content)).toEqual(['before']);

    for (const r of mastered.replicas) cluster.resume(r);
    await until(async () => (await store.read(first.id, { limit: 10 })).length === 2, 'the held message to show');
    expect((await store.append(first.id, one('after')))[0]!.seq).toBe(3);
  }, 60_000);
});
