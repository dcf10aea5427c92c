// What the route sub-apps share: the store, the open-stream registry and the tunables that createApp was given.
import type { Store } from '../store/store.js';
import type { Presence } from './presence.js';
import type { StreamRegistry } from './streams.js';

export interface ServerDeps {
  store: Store;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Milliseconds between SSE heartbeat comments. */
  heartbeatMs: number;
  streams: StreamRegistry;
  /** Who listens on each room, and when names were last seen and last posted. */
  presence: Presence;
  log: (message: string) => void;
}
