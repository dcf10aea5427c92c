// What the route sub-apps share: the store, the open-stream registry and the tunables that createApp was given.
import type { ServedStore } from '../store/store.js';
import type { ServerOptions } from './options.js';
import type { Presence } from './presence.js';
import type { StreamRegistry } from './streams.js';

/** The settings the routes read (ServerOptions, defaults filled in) and the parts they share. */
export type ServerDeps = Required<Pick<ServerOptions, 'maxBodyBytes' | 'heartbeatMs' | 'log'>> & {
  store: ServedStore;
  streams: StreamRegistry;
  /** Who listens on each room, and when names were last seen and last posted. */
  presence: Presence;
};
