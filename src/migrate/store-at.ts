// Opens the store a `migrate` side names: a data folder (the file store, locked while open, so no server can serve it
// meanwhile) or a redis:// URL.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileStore } from '../store/file-store.js';
import { StoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { HookFiles } from '../webhooks/hook-files.js';
import type { HookState } from '../webhooks/hook-state.js';

export interface OpenedStore {
  /** How the side is named in messages. */
  label: string;
  store: Store;
  hooks: HookState;
  close(): Promise<void>;
}

export const isRedisUrl = (spec: string): boolean => /^rediss?:\/\//i.test(spec);

/** `mustExist`: the source must hold a store already (a typo must not read as an empty store). */
export async function openStoreAt(spec: string, { mustExist }: { mustExist: boolean }): Promise<OpenedStore> {
  if (isRedisUrl(spec)) throw new StoreError('unavailable', 'Redis stores are not supported by migrate yet.');
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
