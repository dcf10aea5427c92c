// What a fleet of servers on one Redis shares besides the store: webhooks' hooks, cursors and delivery leases, A2A's
// memory of sent messageIds, and who listens where (presence), on connections of their own (one for commands, one
// for change notices).
import type { SendOnce } from '../a2a/sent-ids.js';
import type { RoomStorage } from '../store/store.js';
import type { HookState } from '../webhooks/hook-state.js';
import type { PresenceShare } from './presence-share.js';

export interface FleetState {
  hooks: HookState;
  a2aSent: SendOnce;
  presence: PresenceShare;
  close(): Promise<void>;
}

export interface FleetStateOptions {
  url: string;
  store: RoomStorage;
  /** Delivery lease of each hook (default DEFAULT_LEASE_MS). */
  leaseMs?: number | undefined;
  /** How long a server's listeners count after its last heartbeat (default 6 s): a dead server's, at most this long. */
  presenceAliveMs?: number | undefined;
  warn: (message: string) => void;
}

export async function openFleetState({ url, store, leaseMs, presenceAliveMs, warn }: FleetStateOptions): Promise<FleetState> {
  const [{ connectRedis }, { RedisHookState }, { RedisSentIds }, { RedisPresence }] = await Promise.all([
    import('../store/redis/connection.js'),
    import('../webhooks/redis-hook-state.js'),
    import('../a2a/redis-sent-ids.js'),
    import('./redis-presence.js'),
  ]);
  const redis = await connectRedis({ url, warn }, 'im-for-agents-hooks');
  let subscriber;
  try {
    subscriber = await connectRedis({ url, warn: () => {} }, 'im-for-agents-hooks-notices');
  } catch (err) {
    await redis.close();
    throw err;
  }
  const presence = new RedisPresence({ redis, warn, ...(presenceAliveMs !== undefined && { aliveMs: presenceAliveMs }) });
  await presence.beat();
  return {
    hooks: new RedisHookState({ redis, subscriber, ...(leaseMs !== undefined && { leaseMs }) }),
    a2aSent: new RedisSentIds({ redis, roomExists: async (id) => (await store.getRoom(id)) !== undefined }),
    presence,
    close: async () => {
      await presence.close();
      await Promise.allSettled([subscriber.close(), redis.close()]);
    },
  };
}
