// A room deleted while its keys are rotated or an agent is added, from two instances on one Redis: no key entry
// outlives the room (each would keep resolving a key to a room that is gone).
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const digest = () => randomBytes(32).toString('hex');
const ROOMS = 60;

/** Settles `n` macrotask turns, so the two sides of a race start at different points of each other's steps. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe.skipIf(!hasRedis)('Redis store: deletes racing key changes', () => {
  test.each([
    { change: 'rotate-keys', run: (s: RedisStore, id: string): Promise<unknown> => s.setKeys(id, { write: digest(), read: digest() }) },
    { change: 'agent add', run: (s: RedisStore, id: string): Promise<unknown> => s.addAgent(id, 'bot', digest()) },
  ])(`$change racing a room delete on another instance leaves no key entry (${ROOMS} rooms)`, async ({ run }) => {
    const redis = await sharedRedis();
    const prefix = `races${digest().slice(0, 8)}:`;
    const [a, b] = [new RedisStore({ url: redis.url, prefix, warn: () => {} }), new RedisStore({ url: redis.url, prefix, warn: () => {} })];
    await Promise.all([a.open(), b.open()]);
    open.push(a, b);
    const ids = await Promise.all(Array.from({ length: ROOMS }, async () => (await a.createRoom({ name: 'r', keyHashes: { write: digest(), read: digest() } })).id));
    await Promise.all(
      ids.map(async (id, i) => {
        await Promise.allSettled([turns(i % 4).then(() => run(a, id)), turns(Math.floor(i / 4) % 4).then(() => b.deleteRoom(id))]);
      }),
    );
    const raw = createClient({ url: redis.url });
    await raw.connect();
    open.push({ close: () => raw.close() });
    expect(await raw.keys(`${prefix}*`)).toEqual([]);
  });
});
