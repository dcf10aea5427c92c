// What a fleet of servers on one Redis shares besides the store: webhooks' hooks, cursors and delivery leases, and
// A2A's memory of sent messageIds, on connections of their own (one for commands, one for change notices).
import type { SendOnce } from '../a2a/sent-ids.js';
import type { Store } from '../store/store.js';
import type { HookState } from '../webhooks/hook-state.js';

export interface FleetState {
  hooks: HookState;
  a2aSent: SendOnce;
  close(): Promise<void>;
}

export interface FleetStateOptions {
  url: string;
  store: Store;
  /** Delivery lease of each hook (default DEFAULT_LEASE_MS). */
  leaseMs?: number | undefined;
  warn: (message: string) => void;
}

export async function openFleetState({ url, store, leaseMs, warn }: FleetStateOptions): Promise<FleetState> {
  const [{ connectRedis }, { RedisHookState }, { RedisSentIds }] = await Promise.all([
    import('../store/redis/connection.js'),
    import('../webhooks/redis-hook-state.js'),
    import('../a2a/redis-sent-ids.js'),
  ]);
  const redis = await connectRedis({ url, warn }, 'im-for-agents-hooks');
  let subscriber;
  try {
    subscriber = await connectRedis({ url, warn: () => {} }, 'im-for-agents-hooks-notices');
  } catch (err) {
    await redis.close();
    throw err;
  }
  return {
    hooks: new RedisHookState({ redis, subscriber, ...(leaseMs !== undefined && { leaseMs }) }),
    a2aSent: new RedisSentIds({ redis, roomExists: async (id) => (await store.getRoom(id)) !== undefined }),
    close: async () => {
      await Promise.allSettled([subscriber.close(), redis.close()]);
    },
  };
}
