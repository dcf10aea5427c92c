// The Redis backend: one value that a server on a Redis URL asks for its store and for what the servers of a fleet
// share beside it (webhooks' hooks, cursors and delivery leases, A2A's memory of sent messageIds, and who listens
// where), opened once and closed once. The state beside the store has connections of its own (one for commands, one
// for change notices).
import type { Fleet } from '../fleet-contract.js';
import { connectRedis } from './connection.js';
import { RedisHookState } from './hook-state.js';
import { RedisPresence } from './presence.js';
import { RedisSentIds } from './sent-ids.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';

export interface RedisFleetOptions extends RedisStoreOptions {
  /** Delivery lease of each hook (default DEFAULT_LEASE_MS). */
  leaseMs?: number | undefined;
  /** How long a server's listeners count after its last heartbeat (default 6 s): a dead server's, at most this long. */
  presenceAliveMs?: number | undefined;
  warn: (message: string) => void;
}

/** Opens the store, then the state beside it; a failure closes whatever was opened and throws the store's error. */
export async function openRedisFleet({ leaseMs, presenceAliveMs, ...storeOptions }: RedisFleetOptions): Promise<Fleet> {
  const { url, warn } = storeOptions;
  const store = new RedisStore(storeOptions);
  await store.open();
  let redis;
  let subscriber;
  try {
    redis = await connectRedis({ url, warn, cluster: store.onCluster }, 'im-for-agents-hooks');
    subscriber = await connectRedis({ url, warn: () => {}, cluster: store.onCluster }, 'im-for-agents-hooks-notices');
  } catch (err) {
    await Promise.allSettled([redis?.close(), store.close()]);
    throw err;
  }
  const [link, notices] = [redis, subscriber];
  const presence = new RedisPresence({ redis: link, warn, ...(presenceAliveMs !== undefined && { aliveMs: presenceAliveMs }) });
  await presence.beat();
  return {
    store,
    hooks: new RedisHookState({ redis: link, subscriber: notices, ...(leaseMs !== undefined && { leaseMs }) }),
    a2aSent: new RedisSentIds({ redis: link, roomExists: async (id) => (await store.getRoom(id)) !== undefined }),
    presence,
    close: async () => {
      await presence.close();
      await Promise.allSettled([notices.close(), link.close()]);
      await store.close();
    },
  };
}
