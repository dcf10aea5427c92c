// `serve` (the default command): parses the server's flags, calls startServer, prints where it listens, stops on a signal.
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ROOMS, DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../../api/limits.js';
import { DEFAULT_STREAM_LIMITS } from '../../server/app.js';
import { isRedisUrl } from '../../api/store-url.js';
import type { ServerOptions } from '../../server/options.js';
import { EXPOSED_RATE_LIMIT, startFailure, startServer, type RunningServer } from '../../server/start.js';
import { VERSION } from '../../version.js';
import { CliError, colors, type CliIo } from '../io.js';
import { collectNames, parsePort, parseSeconds, parseWholeNumber } from '../options.js';

/** The flags as commander parses them: ServerOptions' own fields where a flag's name is its field's, and the flags
 *  whose name or unit differs (turned into ServerOptions in the action). */
type ServeFlags = Pick<
  ServerOptions,
  'host' | 'port' | 'token' | 'cors' | 'rateLimit' | 'maxRooms' | 'maxOpenFiles' | 'retainMessages' | 'retainDays' | 'maxStreams' | 'maxStreamsPerClient' | 'fsync' | 'allowPrivateWebhooks' | 'webhookMaxFailures' | 'redisWait'
> & {
  data: string;
  store?: string;
  open: boolean;
  maxBody: number;
  allowHost?: string[];
  requestTimeout: number;
  /** Seconds. */
  webhookLease?: number;
};

function parseStoreUrl(value: string): string {
  if (!isRedisUrl(value)) {
    throw new CliError(`--store takes a Redis URL, redis://[user:pass@]HOST:PORT[/DB] (got "${value}"); for the file store leave it out and use --data.`, 2);
  }
  return value;
}

export const defaultDataDir = (env: NodeJS.ProcessEnv): string => env.IM_DATA ?? join(homedir(), '.im-for-agents');

export function registerServe(program: Command, io: CliIo): void {
  const env = io.env;
  program
    .command('serve', { isDefault: true })
    .description('run the server (the default when no command is given)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort('--port'), env.IM_PORT ? parsePort('IM_PORT')(env.IM_PORT) : DEFAULT_PORT)
    .option('--host <host>', 'address to bind; anything but loopback turns auth on', env.IM_HOST ?? DEFAULT_HOST)
    .option('--data <dir>', 'data directory (or IM_DATA)', defaultDataDir(env))
    .option('--store <url>', 'keep rooms and messages in Redis: redis://[user:pass@]HOST:PORT[/DB] (or IM_STORE); default: files in --data', parseStoreUrl, env.IM_STORE ? parseStoreUrl(env.IM_STORE) : undefined)
    .option('--no-open', 'do not open the web UI in a browser')
    .option('--token <token>', 'admin token (or IM_TOKEN); turns auth on, also on loopback', env.IM_TOKEN)
    .option('--cors <origins>', 'allow browser apps from these origins (comma-separated or repeated)', collectNames)
    .option('--allow-host <names>', 'with auth off, also answer to these host names besides localhost, 127.0.0.1, [::1]', collectNames)
    .option('--rate-limit <n>', `requests per second per client, 0 for none (default: none on loopback, ${EXPOSED_RATE_LIMIT} otherwise)`, parseWholeNumber('--rate-limit'))
    .option('--max-body <bytes>', 'largest request body accepted', parseWholeNumber('--max-body'), DEFAULT_MAX_BODY_BYTES)
    .option('--max-rooms <n>', 'most rooms this server holds', parseWholeNumber('--max-rooms'), DEFAULT_MAX_ROOMS)
    .option('--max-open-files <n>', "most files the rooms keep open at once (idle rooms close theirs); keep it well under `ulimit -n` (default: a quarter of `ulimit -n`)", parseWholeNumber('--max-open-files', 2))
    .option('--retain-messages <n>', 'keep only the newest N messages per room', parseWholeNumber('--retain-messages', 1))
    .option('--retain-days <days>', 'drop messages older than this many days (1 or more)', parseWholeNumber('--retain-days', 1))
    .option('--max-streams <n>', 'most open SSE streams and long-polls in total', parseWholeNumber('--max-streams'), DEFAULT_STREAM_LIMITS.total)
    .option('--max-streams-per-client <n>', 'most open SSE streams and long-polls per client', parseWholeNumber('--max-streams-per-client'), DEFAULT_STREAM_LIMITS.perClient)
    .option('--request-timeout <seconds>', 'a client must send its whole request within this time', parseWholeNumber('--request-timeout', 1), DEFAULT_REQUEST_TIMEOUT_SECONDS)
    .option('--fsync', 'fdatasync each write before acknowledging it (survives power loss, slower)')
    .option('--allow-private-webhooks', 'with auth on, still allow webhooks to loopback, private and link-local addresses')
    .option('--webhook-max-failures <n>', 'pause a webhook after this many failed deliveries in a row (default 300, about a day)', parseWholeNumber('--webhook-max-failures', 1))
    .option('--webhook-lease <seconds>', 'with --store: how long a dead server holds its webhooks before another takes over (default 10)', parseSeconds('--webhook-lease'))
    .option('--redis-wait <n>', 'with --store: acknowledge a write only once N Redis replicas have it, by WAIT (default 0)', parseWholeNumber('--redis-wait'))
    .action(async (opts: ServeFlags) => {
      let server: RunningServer;
      try {
        const options: ServerOptions = {
          host: opts.host,
          port: opts.port,
          dataDir: resolve(opts.data),
          storeUrl: opts.store,
          token: opts.token,
          cors: opts.cors,
          allowedHosts: opts.allowHost,
          rateLimit: opts.rateLimit,
          maxBodyBytes: opts.maxBody,
          maxRooms: opts.maxRooms,
          maxOpenFiles: opts.maxOpenFiles,
          retainMessages: opts.retainMessages,
          retainDays: opts.retainDays,
          maxStreams: opts.maxStreams,
          maxStreamsPerClient: opts.maxStreamsPerClient,
          requestTimeoutSeconds: opts.requestTimeout,
          fsync: opts.fsync,
          allowPrivateWebhooks: opts.allowPrivateWebhooks,
          webhookMaxFailures: opts.webhookMaxFailures,
          ...(opts.webhookLease !== undefined && { webhookLeaseMs: Math.max(100, opts.webhookLease * 1000) }),
          redisWait: opts.redisWait,
          log: (m) => io.err(`${m}\n`),
        };
        server = await startServer(options);
      } catch (err) {
        const failure = startFailure(err);
        if (failure) throw new CliError(failure.message, failure.usage ? 2 : 1);
        throw err;
      }
      printBanner(io, server);
      onSignals(io, server);
      if (opts.open && io.interactive && !io.env.CI) {
        const { default: open } = await import('open');
        await open(server.url).catch(() => io.err(`Could not open a browser; visit ${server.url}\n`));
      }
    });
}

function printBanner(io: CliIo, server: RunningServer): void {
  const { url, auth, storeName, createdToken, tokenFile } = server;
  const authLine = auth ? 'auth: on (Authorization: Bearer KEY)' : 'auth: off (loopback only)';
  // Shown once, here: only its SHA-256 digest is stored.
  if (createdToken) io.out(`admin token (shown once, keep it): ${createdToken}\n`);
  if (tokenFile) io.err(`admin token digest: ${tokenFile} (to make a new token, stop the server, delete that file and start again)\n`);
  if (!io.interactive) {
    io.out(`im-for-agents listening on ${url} (data: ${storeName}; ${authLine})\n`);
    return;
  }
  const c = colors(io);
  const h = `-H 'Content-Type: application/json'${auth ? " -H \"Authorization: Bearer $KEY\"" : ''}`;
  io.out(
    [
      `${c.bold('im-for-agents')} ${VERSION} listening on ${c.cyan(url)}`,
      `data: ${storeName}`,
      authLine,
      '',
      c.dim('Try it:'),
      `  ROOM=$(curl -s -X POST ${url}/agent/rooms ${h} -d '{"name":"demo"}' | sed 's/.*"roomId":"\\([^"]*\\)".*/\\1/')`,
      `  curl -s -X POST ${url}/agent/rooms/$ROOM/messages ${h} -d '{"sender":"me","content":"hello"}'`,
      `  curl -s ${url}/agent/rooms/$ROOM/history${auth ? ' -H "Authorization: Bearer $KEY"' : ''}`,
      '',
    ].join('\n') + '\n',
  );
}

function onSignals(io: CliIo, server: RunningServer): void {
  const stop = (signal: string) => {
    io.err(`${signal}: finishing writes and shutting down\n`);
    void server.shutdown().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
