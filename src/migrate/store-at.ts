// Opens the store a `migrate` side names: a data folder (the file store, locked while open, so no server can serve it
// meanwhile) or a redis:// URL.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileStore } from '../store/file/file-store.js';
import { StoreError } from '../store/errors.js';
import { isRedisUrl } from '../api/store-url.js';
import { redactRedisUrl } from '../store/redis/url.js';
import type { Store } from '../store/store.js';
import { HookFiles } from '../webhooks/hook-files.js';
import type { HookState } from '../store/fleet-contract.js';

export interface OpenedStore {
  /** How the side is named in messages. */
  label: string;
  store: Store;
  hooks: HookState;
  close(): Promise<void>;
}

/** Why opening or copying a store failed, as the text to show, when it is the data's or the path's fault (no store
 *  there, a held lock, Redis unreachable); undefined for a bug, which keeps its stack. */
export const storeFailure = (err: unknown): string | undefined => (err instanceof StoreError ? err.message : undefined);

/** `mustExist`: the source must hold a store already (a typo must not read as an empty store). */
export async function openStoreAt(spec: string, { mustExist }: { mustExist: boolean }): Promise<OpenedStore> {
  if (isRedisUrl(spec)) return openRedis(spec);
  const dir = resolve(spec);
  if (mustExist) {
    // A server makes rooms/ when it starts and rooms.json with its first room.
    const found = await Promise.any(['rooms.json', 'rooms'].map((name) => access(join(dir, name)))).then(() => true, () => false);
    if (!found) throw new StoreError('room_not_found', `${dir} holds no im-for-agents data (no rooms.json or rooms/); check the path.`);
  }
  // No retention and no room limit: a migration copies what is there, all of it.
  const store = new FileStore({ dir, maxRooms: Number.MAX_SAFE_INTEGER, warn: (m) => process.stderr.write(`warning: ${m}\n`) });
  await store.open();
  const hooks = new HookFiles(join(dir, 'webhooks'));
  try {
    await hooks.loadAll(); // so loadRoom answers from the folder
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    label: dir,
    store,
    hooks,
    close: async () => {
      await hooks.flush();
      await store.close();
    },
  };
}

/** A Redis store with its hook state (no room limit, no retention); not locked: its servers must be stopped. */
async function openRedis(url: string): Promise<OpenedStore> {
  const [{ RedisStore }, { connectRedis }, { RedisHookState }] = await Promise.all([
    import('../store/redis/redis-store.js'),
    import('../store/redis/connection.js'),
    import('../store/redis/hook-state.js'),
  ]);
  const warn = (m: string) => process.stderr.write(`warning: ${m}\n`);
  const store = new RedisStore({ url, maxRooms: Number.MAX_SAFE_INTEGER, warn });
  await store.open();
  let redis;
  try {
    redis = await connectRedis({ url, warn }, 'im-for-agents-migrate');
  } catch (err) {
    await store.close();
    throw err;
  }
  const link = redis;
  return {
    label: redactRedisUrl(url),
    store,
    hooks: new RedisHookState({ redis: link }),
    close: async () => {
      await link.close();
      await store.close();
    },
  };
}
