// `migrate` through Redis: folder -> Redis (one, or a Cluster) -> folder keeps every room equal (checksums and field by
// field), and a copy into Redis cut off mid-room is resumed by a rerun.
import { describe, expect, test } from 'vitest';
import { migrate } from '../../src/migrate/migrate.js';
import { openStoreAt } from '../../src/migrate/store-at.js';
import { cli } from '../helpers/cli.js';
import { expectSameStores, fileFixture } from '../helpers/migrate-fixture.js';
import { hasRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Where the round trip goes: one Redis, or a Cluster written to by its seed list and read back from one node. */
const TARGETS = [
  ['one Redis', async () => {
    const redis = await startRedis();
    return { to: redis.url, from: redis.url, stop: () => redis.stop() };
  }],
  ...(hasRedisCluster ? [['a Redis Cluster', async () => {
    const cluster = await startRedisCluster();
    return { to: cluster.seeds, from: cluster.url, stop: () => cluster.stop() };
  }] as const] : []),
] as const;

describe.runIf(hasRedis)('migrate with Redis', () => {
  // A guard against a hang: a cluster's six redis-servers start first, on a busy machine.
  test.each(TARGETS)('folder -> %s -> folder: the same rooms, messages, cursors and hooks, checksums equal at each step', { timeout: 120_000 }, async (_, start) => {
    const redis = await start();
    const [from, back] = [await tempDir(), await tempDir()];
    const fixture = await fileFixture(from);
    const there = await cli(['migrate', '--from', from, '--to', redis.to]);
    expect(there).toMatchObject({ code: 0, stdout: expect.stringContaining(`migrated 3 rooms, ${fixture.messages} messages (${fixture.messages} copied by this run), 2 new webhooks`) });
    const home = await cli(['migrate', '--from', redis.from, '--to', back]);
    expect(home).toMatchObject({ code: 0, stdout: expect.stringContaining("every room's count and SHA-256 match") });
    const [a, r, b] = [await openStoreAt(from, { mustExist: true }), await openStoreAt(redis.from, { mustExist: true }), await openStoreAt(back, { mustExist: true })];
    try {
      await expectSameStores(a.store, a.hooks, r.store, r.hooks);
      await expectSameStores(a.store, a.hooks, b.store, b.hooks);
    } finally {
      await Promise.all([a.close(), r.close(), b.close()]);
    }
    await redis.stop();
  });

  test('a copy into Redis cut off mid-room is resumed by a rerun', async () => {
    const redis = await startRedis();
    const from = await tempDir();
    const fixture = await fileFixture(from);
    const [a, r] = [await openStoreAt(from, { mustExist: true }), await openStoreAt(redis.url, { mustExist: false })];
    try {
      await expect(
        migrate({ from: a.store, to: r.store, fromHooks: a.hooks, toHooks: r.hooks, batch: 500, onProgress: (p) => {
          if (p.messagesDone >= 500) throw new Error('cut off');
        } }),
      ).rejects.toThrow('cut off');
      expect((await r.store.getRoom(fixture.rooms[0]!.id))?.lastSeq).toBe(500);
    } finally {
      await Promise.all([a.close(), r.close()]);
    }
    const rerun = await cli(['migrate', '--from', from, '--to', redis.url]);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`room ${fixture.rooms[0]!.id} (1200 messages): resumed, 700 copied`);
    await redis.stop();
  });
});
