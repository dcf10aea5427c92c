// What the route sub-apps share: the store and the tunables that createApp was given.
import type { Store } from '../store/store.js';

export interface ServerDeps {
  store: Store;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Milliseconds between SSE heartbeat comments. */
  heartbeatMs: number;
  log: (message: string) => void;
}
