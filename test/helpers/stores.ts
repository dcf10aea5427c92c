// Opens either store for tests: the file store in a temp dir, or the Redis store on this file's private redis-server.
import { createHash } from 'node:crypto';
import { afterEach } from 'vitest';
import { FileStore, type FileStoreOptions } from '../../src/store/file-store.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { hasRedis, sharedRedis } from './redis-server.js';
import { tempDir } from './temp-dir.js';

export type StoreKind = 'file' | 'redis';

/** Every store this machine can run: both, or the file store alone where redis-server is missing (never under CI). */
export const STORE_KINDS: StoreKind[] = hasRedis ? ['file', 'redis'] : ['file'];

/** The store the API suites run against: IM_TEST_STORE=redis (set by the "redis" vitest project), else the file store. */
export const TEST_STORE: StoreKind = process.env.IM_TEST_STORE === 'redis' ? 'redis' : 'file';

const open: Store[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/**
 * A fresh, open store, closed after the test. `dir` names the data: the file store keeps it there, the Redis store
 * under a key prefix made from it, so opening the same `dir` again reopens the same rooms.
 */
export async function openStoreOf(kind: StoreKind, options: Partial<FileStoreOptions> = {}): Promise<Store> {
  const dir = options.dir ?? (await tempDir());
  let store: Store;
  if (kind === 'file') store = new FileStore({ warn: () => {}, ...options, dir });
  else {
    const redis = await sharedRedis();
    store = new RedisStore({
      url: redis.url,
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
