// What the route sub-apps share: the store, the open-stream registry and the tunables that createApp was given.
import type { Store } from '../store/store.js';
import type { StreamRegistry } from './streams.js';

export interface ServerDeps {
  store: Store;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Milliseconds between SSE heartbeat comments. */
  heartbeatMs: number;
  streams: StreamRegistry;
  log: (message: string) => void;
}
