// `migrate` into and out of a Redis Cluster: folder -> Cluster (by a seed list) -> folder keeps every room equal.
import { describe, expect, test } from 'vitest';
import { openStoreAt } from '../../src/migrate/store-at.js';
import { cli } from '../helpers/cli.js';
import { expectSameStores, fileFixture } from '../helpers/migrate-fixture.js';
import { hasRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { tempDir } from '../helpers/temp-dir.js';

describe.runIf(hasRedisCluster)('migrate with a Redis Cluster', () => {
  test('folder -> Cluster -> folder: the same rooms, messages, cursors and hooks, checksums equal at each step', async () => {
    const cluster = await startRedisCluster();
    const [from, back] = [await tempDir(), await tempDir()];
    const fixture = await fileFixture(from);
    const there = await cli(['migrate', '--from', from, '--to', cluster.seeds], undefined);
    expect(there).toMatchObject({ code: 0, stdout: expect.stringContaining(`migrated 3 rooms, ${fixture.messages} messages (${fixture.messages} copied by this run), 2 new webhooks`) });
    const home = await cli(['migrate', '--from', cluster.url, '--to', back], undefined);
    expect(home).toMatchObject({ code: 0, stdout: expect.stringContaining("every room's count and SHA-256 match") });
    const [a, c, b] = [await openStoreAt(from, { mustExist: true }), await openStoreAt(cluster.url, { mustExist: true }), await openStoreAt(back, { mustExist: true })];
    try {
      await expectSameStores(a.store, a.hooks, c.store, c.hooks);
      await expectSameStores(a.store, a.hooks, b.store, b.hooks);
    } finally {
      await Promise.all([a.close(), c.close(), b.close()]);
    }
    await cluster.stop();
  }, 120_000); // a guard against a hang: six redis-servers start first, on a busy machine
});
