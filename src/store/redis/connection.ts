// Connections to Redis for everything that keeps state there: bounded waits, no offline queue, one error on failure;
// a single Redis or a Redis Cluster (found at connect, or named by a seed list), behind the same client surface.
import { createClient, createCluster } from 'redis';
import { StoreError } from '../errors.js';
import type { Warn } from '../store.js';
import { redactRedisUrl, seedUrls } from './url.js';

export interface RedisConnectionOptions {
  /** redis://[user:pass@]host:port[/db] or rediss://...; a Cluster by any one node, or by a seed list
   *  redis://[user:pass@]h1:p1,h2:p2 */
  url: string;
  /** Longest wait for one command's answer (default 3 s); past it the caller gets StoreError('unavailable'). */
  commandTimeoutMs?: number;
  /** Longest wait for a connection (default 2 s); the first one is tried a few times before open() gives up. */
  connectTimeoutMs?: number;
  warn?: Warn;
  /** Whether `url` names a Redis Cluster, when the caller knows already (from another connection to it, isCluster):
   *  skips asking the node with a connection of its own. */
  cluster?: boolean | undefined;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 3000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
/** Connection attempts at start before the server gives up with an error instead of waiting for Redis. */
const FIRST_CONNECT_ATTEMPTS = 3;

function newClient(options: RedisConnectionOptions, name: string, reconnectStrategy: Reconnect) {
  return createClient({
    url: options.url,
    name,
    disableOfflineQueue: true,
    // No timeout of the client's own (its default is 5 s): it made an AbortSignal.timeout per command, a tenth of a
    // send's CPU here, and covers only a command not yet written; withDeadline below bounds every call instead.
    commandOptions: { timeout: 0 },
    socket: { connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, reconnectStrategy },
  });
}

export type RedisConnection = ReturnType<typeof newClient>;

/** The connections that reach a Redis Cluster (see isCluster). */
const clusters = new WeakSet<object>();

/** Whether `redis` reaches a Redis Cluster: its commands are routed by key, so none may name keys of two slots. */
export function isCluster(redis: RedisConnection): boolean {
  return clusters.has(redis);
}

type Reconnect = (retries: number, cause: Error) => number | Error;

/** The commands of a node-redis connection that the fleet state (hooks, presence, sent ids) and runScript use. */
export interface RedisLink {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis connection in subscriber mode. */
export interface RedisSubscriber {
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
}

/**
 * A connected client. Commands fail at once while it is disconnected (no offline queue, so nothing waits unbounded)
 * and after `commandTimeoutMs` when Redis does not answer, also to a command it has taken; it reconnects by itself
 * with a capped backoff. Losing and regaining the connection, or its answers, is logged once each way, not once per
 * attempt. A URL naming a node of a Cluster (cluster mode, asked with INFO cluster) or a seed list gets the cluster
 * client behind the same surface (see clusterClient).
 */
export async function connectRedis(options: RedisConnectionOptions, name = 'im-for-agents'): Promise<RedisConnection> {
  const warn = options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
  const where = redactRedisUrl(options.url);
  const seeds = seedUrls(options.url);
  let ready = false;
  let everReady = false;
  const reconnect: Reconnect = (retries, cause) => {
    if (!everReady && retries >= FIRST_CONNECT_ATTEMPTS) return cause;
    return Math.min(50 * 2 ** retries, 1000);
  };
  const lost = (err: Error) => {
    if (!ready) return;
    ready = false;
    warn(`lost the connection to Redis at ${where} (${err.message}); requests answer 503 until it is back`);
  };
  const back = () => {
    if (everReady && !ready) warn(`the connection to Redis at ${where} is back`);
    ready = everReady = true;
  };
  let client: RedisConnection;
  try {
    if (seeds.length > 1 || (options.cluster ?? (await clusterEnabled(options, name, reconnect)))) client = await clusterClient(options, seeds, name, reconnect, lost, back);
    else {
      client = newClient(options, name, reconnect);
      client.on('error', lost);
      client.on('ready', back);
      await client.connect();
    }
  } catch (err) {
    throw new StoreError('unavailable', `Could not connect to Redis at ${where}: ${(err as Error).message}`, { cause: err });
  }
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  let stalled = false;
  const connection = withDeadline(client, timeoutMs, (late) => {
    if (late === stalled) return;
    stalled = late;
    if (late) warn(`Redis at ${where} took a command but did not answer within ${timeoutMs} ms; requests answer 503 until it does`);
    else warn(`Redis at ${where} answers again`);
  });
  if (clusters.has(client)) clusters.add(connection);
  return connection;
}

/** Asks the one node of `options.url` whether it runs in cluster mode (one short-lived connection). */
async function clusterEnabled(options: RedisConnectionOptions, name: string, reconnect: Reconnect): Promise<boolean> {
  const probe = newClient(options, name, reconnect);
  probe.on('error', () => {});
  await probe.connect();
  try {
    return /^cluster_enabled:1\b/m.test(await probe.info('cluster'));
  } finally {
    await probe.close().catch(() => {});
  }
}

/**
 * A raw command sent where `routeKey` lives: on a Cluster on the connection to the master of its slot (for a command
 * that names no key, such as WAIT, which must run on the connection and node that took the write it waits for); on a
 * single Redis, there. Calls made in one turn for one key keep their order on that connection.
 */
export function sendCommandFor(redis: RedisConnection, routeKey: string, args: string[]): Promise<unknown> {
  if (!isCluster(redis)) return redis.sendCommand(args);
  return (redis as unknown as { sendCommand(args: string[], routeKey: string): Promise<unknown> }).sendCommand(args, routeKey);
}

/** A raw command's first key: the word after the command's name, or after a script's key count. */
function firstKey(args: readonly string[]): string | undefined {
  const command = args[0]!.toUpperCase();
  if (command.startsWith('EVAL') || command.startsWith('FCALL')) return Number(args[2]) > 0 ? args[3] : undefined;
  return args[1];
}

/**
 * node-redis's cluster client made to answer as the single-node client does: the typed commands are the same (each
 * routed by its key, following MOVED/ASK and failovers); `sendCommand(args)` is routed by its first key; 'ready'
 * means a node's connection is ready. Multi-key commands must name keys of one slot (the store's layout sees to it).
 */
async function clusterClient(options: RedisConnectionOptions, seeds: string[], name: string, reconnect: Reconnect, lost: (err: Error) => void, back: () => void) {
  const first = new URL(seeds[0]!.replace(/^rediss?:/i, 'http:'));
  const cluster = createCluster({
    rootNodes: seeds.map((url) => ({ url })),
    defaults: {
      name,
      disableOfflineQueue: true,
      ...(first.username && { username: decodeURIComponent(first.username) }),
      ...(first.password && { password: decodeURIComponent(first.password) }),
      socket: {
        connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        reconnectStrategy: reconnect,
        ...(/^rediss:/i.test(seeds[0]!) && { tls: true as const }),
      },
    },
    // As in newClient: withDeadline bounds every call.
    commandOptions: { timeout: 0 },
  });
  cluster.on('error', () => {});
  cluster.on('node-error', lost);
  cluster.on('node-ready', back);
  await cluster.connect();
  back();
  const shaped = new Proxy(cluster, {
    get(target, prop) {
      if (prop === 'sendCommand') {
        // With a routeKey: straight to the connection of that key's master, past node-redis's command policies (which
        // would send WAIT to every master and answer with the least of their counts).
        return (args: string[], routeKey?: string) =>
          routeKey === undefined ? target.sendCommand(firstKey(args), false, args) : Promise.resolve(target.getNodeClientForKey(routeKey, false)).then((node) => node.sendCommand(args));
      }
      if (prop === 'on') return (event: string, listener: (...a: unknown[]) => void) => target.on(event === 'ready' ? 'node-ready' : event, listener);
      return Reflect.get(target, prop, target);
    },
  }) as unknown as RedisConnection;
  clusters.add(shaped);
  return shaped;
}

/**
 * node-redis drops a command's timeout once the command is written to the socket, so a Redis that takes the bytes
 * but does not answer (stopped, swapping, stuck in a slow script) would hold the caller for ever. Every call of the
 * client that returns a promise is raced against the deadline here instead; `late` says whether the last one missed it.
 * The calls wait in one list in the order they were made, which is the order of their deadlines (all are `ms`), so
 * one timer set for the oldest serves them all: a call costs a list entry, not a timer of its own.
 */
function withDeadline<T extends object>(client: T, ms: number, late: (late: boolean) => void): T {
  const waiting = new Set<{ at: number; reject(err: unknown): void }>();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const oldest = waiting.values().next().value;
    // Unref'd: the socket keeps the process up while a call waits, and an idle client must not hold it for `ms`.
    timer = oldest ? setTimeout(expire, Math.max(0, oldest.at - performance.now())).unref() : undefined;
  };
  const expire = () => {
    const now = performance.now();
    for (const call of waiting) {
      if (call.at > now) break;
      waiting.delete(call);
      late(true);
      call.reject(new StoreError('unavailable', `Redis did not answer within ${ms} ms; the request was not completed (it may still be applied when Redis answers).`));
    }
    arm();
  };
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return new Promise((resolve, reject) => {
          const call = { at: performance.now() + ms, reject };
          waiting.add(call);
          if (timer === undefined) arm();
          result.then(
            (v: unknown) => (waiting.delete(call), late(false), resolve(v)),
            (err: unknown) => (waiting.delete(call), reject(err)),
          );
        });
      };
    },
  });
}

/** Any failure of a Redis call as the store's own error: a reply Redis gave on purpose stays as it is. */
export function redisFailure(err: unknown): Error {
  if (err instanceof StoreError) return err;
  return new StoreError('unavailable', `Redis is unreachable or did not answer (${(err as Error)?.message ?? String(err)}); the request was not completed.`, {
    cause: err,
  });
}
