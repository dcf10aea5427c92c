// ServerOptions: the one list of a server's settings. `serve` fills it from its flags, startServer reads it, and
// createApp takes the part it uses (AppOptions in app.ts); the route sub-apps get theirs through ServerDeps.

/**
 * A server's settings. Each `serve` flag sets one field (the flags table in docs/cli.md names them; defaults live in
 * src/api/limits.ts). Absent means the default; startServer decides what follows from them (auth off loopback, the
 * rate limit there, the admin token).
 */
export interface ServerOptions {
  /** Address to bind (`--host`); anything but loopback turns auth on. */
  host: string;
  /** Port (`--port`); 0 picks a free one. */
  port: number;
  /** The data folder, absolute (`--data`). */
  dataDir: string;
  /** redis://... to keep rooms and messages in Redis (`--store`), shared by every server given the same URL; absent:
   *  files in dataDir. */
  storeUrl?: string | undefined;
  /** Admin token (`--token`); turns auth on, also on loopback. Off loopback one is made (once) when absent. */
  token?: string | undefined;
  /** Origins allowed to call the API from a browser (`--cors`); none by default. */
  cors?: string[] | undefined;
  /** Host names besides localhost, 127.0.0.1 and [::1] that may address the server while auth is off (`--allow-host`). */
  allowedHosts?: string[] | undefined;
  /** Requests per second per client, 0 for none (`--rate-limit`). Default: none on loopback, EXPOSED_RATE_LIMIT
   *  otherwise. */
  rateLimit?: number | undefined;
  /** Largest request body accepted, in bytes (`--max-body`). */
  maxBodyBytes?: number | undefined;
  /** Most rooms this server holds (`--max-rooms`). */
  maxRooms?: number | undefined;
  /** Most descriptors the rooms' files hold at once (`--max-open-files`; default: a quarter of the open-file limit). */
  maxOpenFiles?: number | undefined;
  /** Keep only the newest N messages per room (`--retain-messages`). */
  retainMessages?: number | undefined;
  /** Drop messages older than this many days (`--retain-days`). */
  retainDays?: number | undefined;
  /** Most open SSE streams and long-polls in total (`--max-streams`). */
  maxStreams?: number | undefined;
  /** Most open SSE streams and long-polls per client (`--max-streams-per-client`). */
  maxStreamsPerClient?: number | undefined;
  /** A client must send its whole request within this time (`--request-timeout`). */
  requestTimeoutSeconds?: number | undefined;
  /** fdatasync each write before acknowledging it (`--fsync`). */
  fsync?: boolean | undefined;
  /** With auth on, still allow webhooks to loopback, private and link-local addresses (`--allow-private-webhooks`;
   *  always allowed with auth off). */
  allowPrivateWebhooks?: boolean | undefined;
  /** With a Redis store: how long a server's lease on delivering a hook lasts unrenewed, so how long a dead server's
   *  hooks wait for another to take over (`--webhook-lease`, in seconds there; default 10 s). */
  webhookLeaseMs?: number | undefined;
  /** With a Redis store: replicas that must have each write before it is acknowledged (`--redis-wait`, Redis WAIT;
   *  default 0). */
  redisWait?: number | undefined;
  /** Consecutive failed deliveries after which a webhook is paused (`--webhook-max-failures`; default 300). */
  webhookMaxFailures?: number | undefined;
  /** Milliseconds between SSE heartbeat comments (default 15 s; no flag). */
  heartbeatMs?: number | undefined;
  /** Serve the bundled web UI (default true; no flag). */
  ui?: boolean | undefined;
  /** Server diagnostics (errors with request ids, store warnings); `serve` sends them to stderr. */
  log: (message: string) => void;
}
