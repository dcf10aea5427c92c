// What servers on one store share besides rooms and messages, as interfaces owned by no backend: presence, hooks with
// their delivery leases, and A2A's sent messageIds. The server, webhooks and A2A use them; one server keeps them in
// memory and files, a fleet in Redis (src/store/redis/), which implements them without importing its consumers.
import type { CreatedWebhook } from '../api/webhooks.js';
import type { Message } from '../api/types.js';
import type { Store } from './store.js';

// Presence: what one server tells the others, so every instance of a fleet answers alike: per room and name, how
// many listeners it holds and when the name was last seen and last posted there.

/** One name on one room as one server sees it (times in ms since the epoch). */
export interface SharedSeen {
  listeners: number;
  /** When its last listener on that server ended. */
  quietSince?: number | undefined;
  lastSeenAt?: number | undefined;
  lastPostAt?: number | undefined;
}

/** Another server's view of a name; `listeners` counts only while that server is alive. */
export interface RemoteSeen extends SharedSeen {
  name: string;
}

export interface PresenceShare {
  /** This server's view of `name` changed; `soon`: a listener came or went, which the others should see at once. */
  put(roomId: string, name: string, seen: SharedSeen, soon: boolean): void;
  /** What the other live servers (and, for the times, the dead ones) know of the room's names. */
  others(roomId: string): Promise<RemoteSeen[]>;
  /** This server forgot `name` in the room (past the cap on names). */
  drop(roomId: string, name: string): void;
  /** The room was deleted. */
  forget(roomId: string): void;
  close(): Promise<void>;
}

// Webhooks: where hooks and their delivery state live, and which server may deliver each, so a hook is delivered once
// whatever the number of servers.

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

// A2A: sends made once per messageId.

/** Posts an A2A message once per messageId, however often it is retried (and, with a fleet, whichever server gets it). */
export interface SendOnce {
  /**
   * Posts to an existing room unless this messageId was posted there already. `recent` reads the room's latest
   * messages back, for an implementation that remembers in memory only.
   */
  inRoom(roomId: string, messageId: string, post: () => Promise<Message>, recent: () => Promise<Message[]>): Promise<Message>;
  /** Opens a room and posts to it, unless this messageId did so already. */
  inNewRoom(messageId: string, post: () => Promise<Message>): Promise<Message>;
}

/** Everything a fleet on one Redis shares, opened once and closed once: the store, and the state beside it. */
export interface Fleet {
  store: Store;
  hooks: HookState;
  a2aSent: SendOnce;
  presence: PresenceShare;
  /** Closes the state beside the store, then the store. */
  close(): Promise<void>;
}
