// startServer: the server assembled once (store, admin token, security defaults, app, socket) and its shutdown order.
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ROOMS, DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../api/limits.js';
import { UI_DIR } from '../paths.js';
import { FileStore } from '../store/file/file-store.js';
import { redactRedisUrl } from '../store/redis/url.js';
import { StoreError } from '../store/errors.js';
import type { Fleet } from '../store/fleet-contract.js';
import type { Store } from '../store/store.js';
import { Webhooks } from '../webhooks/webhooks.js';
import { TokenError, decideAdminToken } from './admin-token.js';
import { dataDirUndo } from './data-dir-undo.js';
import { DEFAULT_STREAM_LIMITS, createApp } from './app.js';
import { isLoopbackName } from './gate/host-origin.js';
import { listen } from './listen.js';
import type { ServerOptions } from './options.js';
import { StreamRegistry } from './streams.js';

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  /** Where rooms and messages live: the data folder, or the Redis URL without its password. */
  storeName: string;
  auth: boolean;
  /** An admin token made by this start: shown once, only its digest is stored. */
  createdToken?: string | undefined;
  /** Where the admin token's digest lives when auth is on without --token. */
  tokenFile?: string | undefined;
  /** Stops taking requests, ends streams, lets every answer in flight go out, then closes the store and sockets. */
  shutdown(): Promise<void>;
}

/** Requests per second per client when the server is reachable from other machines and no rate limit is given. */
export const EXPOSED_RATE_LIMIT = 100;

/** The configured store, open, and on Redis what the servers of a fleet share beside it: one value, closed once. The
 *  Redis code (and the redis package) is loaded only when a Redis URL is given. */
async function openBackend(config: ServerOptions): Promise<{ store: Store; fleet?: Fleet; close(): Promise<void> }> {
  const common = {
    maxRooms: config.maxRooms ?? DEFAULT_MAX_ROOMS,
    retention: {
      ...(config.retainMessages !== undefined && { maxMessages: Math.max(1, config.retainMessages) }),
      ...(config.retainDays !== undefined && { maxAgeMs: config.retainDays * 86_400_000 }),
    },
    warn: (m: string) => config.log(`warning: ${m}`),
  };
  if (config.storeUrl === undefined) {
    const maxOpenFiles = config.maxOpenFiles !== undefined ? { maxOpenFiles: config.maxOpenFiles } : {};
    const store = new FileStore({ ...common, ...maxOpenFiles, dir: config.dataDir, fsync: config.fsync ?? false });
    await store.open();
    return { store, close: () => store.close() };
  }
  const { openRedisFleet } = await import('../store/redis/fleet.js');
  const fleet = await openRedisFleet({
    ...common,
    url: config.storeUrl,
    leaseMs: config.webhookLeaseMs,
    ...(config.redisWait !== undefined && { redisWait: config.redisWait }),
  });
  return { store: fleet.store, fleet, close: () => fleet.close() };
}

/** Why a start failed, when its operator can fix it (a bad --token, a locked folder, a store it cannot reach): the text
 *  to show and whether a flag's value was wrong. Undefined for a bug, which keeps its stack. */
export function startFailure(err: unknown): { message: string; usage: boolean } | undefined {
  if (err instanceof TokenError) return { message: err.message, usage: true };
  if (err instanceof StoreError) return { message: err.message, usage: false };
  return undefined;
}

/**
 * Starts a server as `serve` does: opens the store (files in `dataDir`, or Redis at `storeUrl`), decides auth and the
 * admin token, starts webhooks, builds the app and listens on `host:port`. A start that fails closes what it opened
 * and leaves the data folder as it found it; `startFailure` says whether the operator can fix the cause.
 */
export async function startServer(config: ServerOptions): Promise<RunningServer> {
  const undo = await dataDirUndo(config.dataDir);
  const backend = await openBackend(config);
  // On Redis, webhooks and A2A sends are shared by every server: each hook is delivered by one of them at a time.
  const { store, fleet } = backend;
  let webhooks: Webhooks | undefined;
  try {
    const admin = await decideAdminToken(config.dataDir, config.host, config.token);
    webhooks = new Webhooks({
      store,
      dataDir: config.dataDir,
      ...(fleet && { state: fleet.hooks }),
      allowPrivate: Boolean(config.allowPrivateWebhooks) || !admin.hash,
      ...(config.webhookMaxFailures !== undefined && { maxFailures: config.webhookMaxFailures }),
      log: config.log,
    });
    await webhooks.open();
    const perSecond = config.rateLimit ?? (isLoopbackName(config.host) ? 0 : EXPOSED_RATE_LIMIT);
    const streams = new StreamRegistry({
      ...DEFAULT_STREAM_LIMITS,
      ...(config.maxStreams !== undefined && { total: config.maxStreams }),
      ...(config.maxStreamsPerClient !== undefined && { perClient: config.maxStreamsPerClient }),
    });
    const app = createApp({
      store,
      streams,
      webhooks,
      ...(fleet && { a2aSent: fleet.a2aSent, presenceShare: fleet.presence }),
      ...(config.ui !== false && { uiDir: UI_DIR }),
      maxBodyBytes: config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(config.heartbeatMs !== undefined && { heartbeatMs: config.heartbeatMs }),
      ...(admin.hash && { auth: { adminTokenHash: admin.hash } }),
      ...(config.cors?.length && { cors: config.cors }),
      ...(config.allowedHosts?.length && { allowedHosts: config.allowedHosts }),
      ...(perSecond > 0 && { rateLimit: { perSecond, burst: perSecond * 2 } }),
      log: config.log,
    });
    const listening = await listen(app, {
      host: config.host,
      port: config.port,
      requestTimeoutMs: Math.max(1, config.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
    });
    await admin.keep();
    let stopping: Promise<void> | undefined;
    return {
      url: listening.url,
      port: listening.port,
      dataDir: config.dataDir,
      storeName: config.storeUrl === undefined ? config.dataDir : redactRedisUrl(config.storeUrl),
      auth: Boolean(admin.hash),
      createdToken: admin.created,
      ...(admin.hash && config.token === undefined && { tokenFile: admin.file }),
      shutdown: () =>
        (stopping ??= (async () => {
          // No new work; goodbye on every stream and an answer to every long-poll; every answer in flight goes out
          // while the store is still open; then queued writes finish and files and sockets close.
          const drained = listening.drain();
          streams.closeAll();
          await drained;
          await webhooks?.close(); // deliveries in flight are aborted; their messages go again after the restart
          await backend.close();
          await listening.close();
        })()),
    };
  } catch (err) {
    await webhooks?.close();
    await backend.close();
    // A start that failed (a port in use, Redis unreachable) leaves the data folder as it found it.
    await undo().catch((e: unknown) => config.log(`warning: could not remove what the failed start made in ${config.dataDir}: ${(e as Error).message}`));
    throw err;
  }
}
