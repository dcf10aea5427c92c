// Library entry: embed the server or talk to one from TypeScript.
export { createApp, type AppOptions } from './server/app.js';
export { listen, type Listening } from './server/listen.js';
export { FileStore, type FileStoreOptions } from './store/file-store.js';
export type { Store, ReadOptions, MessageListener } from './store/store.js';
export { Client, type ClientOptions, type FetchLike, type FetchInit, type FetchResponse } from './client/client.js';
export { ApiError, NotImServerError, ServerUnreachableError, type UnreachableReason } from './client/errors.js';
export type * from './api/types.js';
