// Where hooks and their delivery state live, and which server may deliver each: the data folder for one server
// (hook-files.ts), Redis for a fleet (redis-hook-state.ts), so a hook is delivered once whatever the number of servers.
import type { CreatedWebhook } from '../api/webhooks.js';

/** A hook as stored: its public state plus the signing secret. */
export type HookRecord = CreatedWebhook;

/** The right to deliver one hook. One server at a time holds it; a server that dies loses it when it runs out. */
export interface HookLease {
  /** Tries to become the hook's one deliverer; true when this server holds the lease now. */
  acquire(): Promise<boolean>;
  /** Whether this server holds the lease (as far as it knows: a lost renewal makes it false). */
  readonly held: boolean;
  /** Aborted when a held lease is lost; a new one comes with each acquire. */
  readonly signal: AbortSignal;
  /** Milliseconds a server that does not hold the lease waits before trying again. */
  readonly retryMs: number;
  /** Gives the lease up (on stop), so another server takes over at once. */
  release(): Promise<void>;
}

export interface HookState {
  /** Every stored hook, by room. */
  loadAll(): Promise<Map<string, HookRecord[]>>;
  /** The room's hooks as stored now: with a fleet, the cursors the delivering servers stored last. */
  loadRoom(roomId: string): Promise<HookRecord[]>;
  /** One stored hook, or undefined once it was removed. */
  loadHook(roomId: string, hookId: string): Promise<HookRecord | undefined>;
  /** Stores a new hook; false (and nothing stored) when the room already has `max` hooks. */
  add(hook: HookRecord, max: number): Promise<boolean>;
  /**
   * Stores a hook's changed state (cursor, failures, pause). Given a lease, only while it is held: false when it was
   * lost, so a server that stalled past its lease cannot move back the cursor of the one that took over. Never
   * brings back a hook that was removed.
   */
  update(hook: HookRecord, lease?: HookLease): Promise<boolean>;
  remove(roomId: string, hookId: string): Promise<void>;
  removeRoom(roomId: string): Promise<void>;
  /** The delivery lease of one hook. */
  lease(hook: HookRecord): HookLease;
  /** Calls `listener` with a room id whenever another server changed that room's hooks; returns the unsubscribe. */
  watch(listener: (roomId: string) => void): Promise<() => void>;
  /** Waits for every write started or queued. */
  flush(): Promise<void>;
}

/** The lease of a single server: always held (the data folder's lock already makes it the only one). */
export function soleLease(): HookLease {
  return {
    acquire: async () => true,
    held: true,
    signal: new AbortController().signal,
    retryMs: 0,
    release: async () => {},
  };
}
