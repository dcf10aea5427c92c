// Library entry: embed the server or talk to one from TypeScript.
export { createApp, type AppOptions } from './server/app.js';
export { listen, PortInUseError, type Listening, type ListenOptions } from './server/listen.js';
export { startServer, startFailure, EXPOSED_RATE_LIMIT, type RunningServer } from './server/start.js';
export type { ServerOptions } from './server/options.js';
export { FileStore, type FileStoreOptions } from './store/file/file-store.js';
export type { Store, RoomStorage, RoomEventSource, RoomMigration, ServedStore, ReadOptions, MessageListener, RedactListener } from './store/store.js';
export { Client, type ClientOptions, type FetchLike, type FetchInit, type FetchResponse } from './client/client.js';
export { ApiError, NotImServerError, ServerUnreachableError, type UnreachableReason } from './client/errors.js';
export type * from './api/types.js';
