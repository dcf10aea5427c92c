// `serve` (the default command): opens the file store, serves the API and UI, and shuts down cleanly on a signal.
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from '../../api/limits.js';
import { UI_DIR } from '../../paths.js';
import { DEFAULT_STREAM_LIMITS, createApp, type AppOptions } from '../../server/app.js';
import { fastSendFor } from '../../server/fast-send.js';
import { listen, type Listening } from '../../server/listen.js';
import { StreamRegistry } from '../../server/streams.js';
import { StoreError } from '../../store/errors.js';
import { FileStore } from '../../store/file-store.js';
import { VERSION } from '../../version.js';
import { isLoopback, resolveAdminToken } from '../admin-token.js';
import { CliError, colors, type CliIo } from '../io.js';
import { collectNames, parseWholeNumber } from '../options.js';

interface ServeOptions {
  port: number;
  host: string;
  data: string;
  open: boolean;
  maxBody: number;
  fsync?: boolean;
  token?: string;
  cors?: string[];
  rateLimit?: number;
  maxRooms: number;
  retainMessages?: number;
  retainDays?: number;
  maxStreams: number;
  maxStreamsPerClient: number;
  requestTimeout: number;
}

export const defaultDataDir = (env: NodeJS.ProcessEnv): string => env.IM_DATA ?? join(homedir(), '.im-for-agents');

/** Requests per second per client when the server is reachable from other machines and no --rate-limit is given. */
export const EXPOSED_RATE_LIMIT = 100;

export function registerServe(program: Command, io: CliIo): void {
  const env = io.env;
  program
    .command('serve', { isDefault: true })
    .description('run the server (the default when no command is given)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parseWholeNumber('--port'), Number(env.IM_PORT ?? DEFAULT_PORT))
    .option('--host <host>', 'address to bind; anything but loopback turns auth on', env.IM_HOST ?? DEFAULT_HOST)
    .option('--data <dir>', 'data directory (or IM_DATA)', defaultDataDir(env))
    .option('--no-open', 'do not open the web UI in a browser')
    .option('--token <token>', 'admin token (or IM_TOKEN); turns auth on, also on loopback', env.IM_TOKEN)
    .option('--cors <origins>', 'allow browser apps from these origins (comma-separated or repeated)', collectNames)
    .option('--rate-limit <n>', `requests per second per client, 0 for none (default: none on loopback, ${EXPOSED_RATE_LIMIT} otherwise)`, parseWholeNumber('--rate-limit'))
    .option('--max-body <bytes>', 'largest request body accepted', parseWholeNumber('--max-body'), DEFAULT_MAX_BODY_BYTES)
    .option('--max-rooms <n>', 'most rooms this server holds', parseWholeNumber('--max-rooms'), 10_000)
    .option('--retain-messages <n>', 'keep only the newest N messages per room', parseWholeNumber('--retain-messages'))
    .option('--retain-days <days>', 'drop messages older than this many days', parseWholeNumber('--retain-days'))
    .option('--max-streams <n>', 'most open SSE streams and long-polls in total', parseWholeNumber('--max-streams'), DEFAULT_STREAM_LIMITS.total)
    .option('--max-streams-per-client <n>', 'most open SSE streams and long-polls per client', parseWholeNumber('--max-streams-per-client'), DEFAULT_STREAM_LIMITS.perClient)
    .option('--request-timeout <seconds>', 'a client must send its whole request within this time', parseWholeNumber('--request-timeout'), 30)
    .option('--fsync', 'fdatasync each write before acknowledging it (survives power loss, slower)')
    .action(async (opts: ServeOptions) => {
      const dir = resolve(opts.data);
      const store = new FileStore({
        dir,
        fsync: opts.fsync ?? false,
        maxRooms: opts.maxRooms,
        retention: {
          ...(opts.retainMessages !== undefined && { maxMessages: Math.max(1, opts.retainMessages) }),
          ...(opts.retainDays !== undefined && { maxAgeMs: opts.retainDays * 86_400_000 }),
        },
        warn: (m) => io.err(`warning: ${m}\n`),
      });
      try {
        await store.open();
      } catch (err) {
        if (err instanceof StoreError) throw new CliError(err.message);
        throw err;
      }
      const admin = await resolveAdminToken(dir, opts.host, opts.token);
      const perSecond = opts.rateLimit ?? (isLoopback(opts.host) ? 0 : EXPOSED_RATE_LIMIT);
      const streams = new StreamRegistry({ ...DEFAULT_STREAM_LIMITS, total: opts.maxStreams, perClient: opts.maxStreamsPerClient });
      const appOptions: AppOptions = {
        store,
        streams,
        uiDir: UI_DIR,
        maxBodyBytes: opts.maxBody,
        ...(admin.hash && { auth: { adminTokenHash: admin.hash } }),
        ...(opts.cors?.length && { cors: opts.cors }),
        ...(perSecond > 0 && { rateLimit: { perSecond, burst: perSecond * 2 } }),
        log: (m) => io.err(`${m}\n`),
      };
      const app = createApp(appOptions);
      let listening: Listening;
      try {
        listening = await listen(app, {
          host: opts.host,
          port: opts.port,
          requestTimeoutMs: Math.max(1, opts.requestTimeout) * 1000,
          wrap: fastSendFor(appOptions),
        });
      } catch (err) {
        await store.close();
        throw err;
      }
      printBanner(io, listening.url, dir, Boolean(admin.hash), admin.created);
      onShutdown(io, listening, store, streams);
      if (opts.open && io.interactive && !io.env.CI) {
        const { default: open } = await import('open');
        await open(listening.url).catch(() => io.err(`Could not open a browser; visit ${listening.url}\n`));
      }
    });
}

function printBanner(io: CliIo, url: string, dir: string, auth: boolean, createdToken: string | undefined): void {
  const authLine = auth ? 'auth: on (Authorization: Bearer KEY)' : 'auth: off (loopback only)';
  if (createdToken) {
    // Shown once, here: only its SHA-256 digest is stored.
    io.out(`admin token (shown once, keep it): ${createdToken}\n`);
  }
  if (!io.interactive) {
    io.out(`im-for-agents listening on ${url} (data: ${dir}; ${authLine})\n`);
    return;
  }
  const c = colors(io);
  const h = `-H 'Content-Type: application/json'${auth ? " -H \"Authorization: Bearer $KEY\"" : ''}`;
  io.out(
    [
      `${c.bold('im-for-agents')} ${VERSION} listening on ${c.cyan(url)}`,
      `data: ${dir}`,
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

function onShutdown(io: CliIo, listening: Listening, store: FileStore, streams: StreamRegistry): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.err(`${signal}: finishing writes and shutting down\n`);
    // Accept no new connections; say goodbye on every stream and answer every long-poll;
    // let queued writes finish and their answers go out; then drop what is left.
    listening.server.close();
    streams.closeAll();
    await store.close();
    await new Promise((r) => setTimeout(r, 100));
    await listening.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
