// Opens a store for tests: the file store in a temp dir, or the Redis store on this file's private redis-server or
// private Redis Cluster.
import { createHash } from 'node:crypto';
import { inject } from 'vitest';
import { FileStore, type FileStoreOptions } from '../../src/store/file/file-store.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { sharedRedisCluster } from './redis-cluster.js';
import { hasRedis, replicasOnline, sharedRedis, startRedis, type RedisServer } from './redis-server.js';
import { tempDir } from './temp-dir.js';
import { afterEachTest, afterTestFile } from './hooks.js';

export type StoreKind = 'file' | 'redis' | 'cluster';

/** The store the API suites run against: IM_TEST_STORE=redis or cluster (set by the vitest projects of those names),
 *  else the file store. */
export const TEST_STORE: StoreKind = process.env.IM_TEST_STORE === 'redis' || process.env.IM_TEST_STORE === 'cluster' ? process.env.IM_TEST_STORE : 'file';

/** The stores the contract suites run against: the Redis Cluster alone in the "cluster" project (one cluster per file
 *  costs seconds to start); else both, or the file store alone where redis-server is missing (never under CI). */
export const STORE_KINDS: StoreKind[] = TEST_STORE === 'cluster' ? ['cluster'] : hasRedis ? ['file', 'redis'] : ['file'];

const open: Store[] = [];

/** IM_TEST_REDIS_WAIT=N runs the Redis store with --redis-wait N on a master with N replicas of its own, or on the
 *  Redis Cluster (one replica per master, so N = 1 there): a check of that mode against the same suites; off by
 *  default, as it doubles their Redis time. */
const REDIS_WAIT = Number(process.env.IM_TEST_REDIS_WAIT ?? 0);
let replicated: Promise<RedisServer> | undefined;
const redisForTests = (): Promise<RedisServer> =>
  REDIS_WAIT === 0
    ? sharedRedis()
    : (replicated ??= (async () => {
        const master = await startRedis();
        for (let i = 0; i < REDIS_WAIT; i++) await startRedis({ replicaOf: master.port });
        await replicasOnline(master, REDIS_WAIT);
        return master;
      })());
// Its servers are stopped with every other redis-server after the file (redis-server.ts).
afterTestFile(() => {
  replicated = undefined;
});

afterEachTest(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** The "cluster" project's one cluster (test/helpers/cluster-setup.ts), else one for this file. */
async function clusterUrl(): Promise<string> {
  return inject('redisClusterUrl') || (await sharedRedisCluster()).url;
}

/**
 * A fresh, open store, closed after the test. `dir` names the data: the file store keeps it there, the Redis store
 * under a key prefix made from it, so opening the same `dir` again reopens the same rooms.
 */
export async function openStoreOf(kind: StoreKind, options: Partial<FileStoreOptions> = {}): Promise<Store> {
  const dir = options.dir ?? (await tempDir());
  let store: Store;
  if (kind === 'file') store = new FileStore({ warn: () => {}, ...options, dir });
  else {
    store = new RedisStore({
      url: kind === 'redis' ? (await redisForTests()).url : await clusterUrl(),
      ...(REDIS_WAIT > 0 && { redisWait: REDIS_WAIT }),
      prefix: `t${createHash('sha1').update(dir).digest('hex').slice(0, 12)}:`,
      warn: options.warn ?? (() => {}),
      ...(options.maxRooms !== undefined && { maxRooms: options.maxRooms }),
      ...(options.retention && { retention: options.retention }),
    });
  }
  await store.open();
  open.push(store);
  return store;
}
