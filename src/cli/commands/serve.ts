// `serve` (the default command): opens the file store, serves the API and UI, and shuts down cleanly on a signal.
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from '../../api/limits.js';
import { UI_DIR } from '../../paths.js';
import { createApp } from '../../server/app.js';
import { listen, type Listening } from '../../server/listen.js';
import { StoreError } from '../../store/errors.js';
import { FileStore } from '../../store/file-store.js';
import { VERSION } from '../../version.js';
import { CliError, colors, type CliIo } from '../io.js';
import { parseWholeNumber } from '../options.js';

interface ServeOptions {
  port: number;
  host: string;
  data: string;
  open: boolean;
  maxBody: number;
  fsync?: boolean;
}

export const defaultDataDir = (env: NodeJS.ProcessEnv): string => env.IM_DATA ?? join(homedir(), '.im-for-agents');

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve', { isDefault: true })
    .description('run the server (the default when no command is given)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parseWholeNumber('--port'), Number(io.env.IM_PORT ?? DEFAULT_PORT))
    .option('--host <host>', 'address to bind', io.env.IM_HOST ?? DEFAULT_HOST)
    .option('--data <dir>', 'data directory (or IM_DATA)', defaultDataDir(io.env))
    .option('--no-open', 'do not open the web UI in a browser')
    .option('--max-body <bytes>', 'largest request body accepted', parseWholeNumber('--max-body'), DEFAULT_MAX_BODY_BYTES)
    .option('--fsync', 'fdatasync each write before acknowledging it (survives power loss, slower)')
    .action(async (opts: ServeOptions) => {
      const dir = resolve(opts.data);
      const store = new FileStore({ dir, fsync: opts.fsync ?? false, warn: (m) => io.err(`warning: ${m}\n`) });
      try {
        await store.open();
      } catch (err) {
        if (err instanceof StoreError) throw new CliError(err.message);
        throw err;
      }
      const app = createApp({ store, uiDir: UI_DIR, maxBodyBytes: opts.maxBody, log: (m) => io.err(`${m}\n`) });
      let listening: Listening;
      try {
        listening = await listen(app, { host: opts.host, port: opts.port });
      } catch (err) {
        await store.close();
        throw err;
      }
      printBanner(io, listening.url, dir);
      onShutdown(io, listening, store);
      if (opts.open && io.interactive && !io.env.CI) {
        const { default: open } = await import('open');
        await open(listening.url).catch(() => io.err(`Could not open a browser; visit ${listening.url}\n`));
      }
    });
}

function printBanner(io: CliIo, url: string, dir: string): void {
  if (!io.interactive) {
    io.out(`im-for-agents listening on ${url} (data: ${dir})\n`);
    return;
  }
  const c = colors(io);
  io.out(
    [
      `${c.bold('im-for-agents')} ${VERSION} listening on ${c.cyan(url)}`,
      `data: ${dir}`,
      '',
      c.dim('Try it:'),
      `  ROOM=$(curl -s -X POST ${url}/agent/rooms -H 'Content-Type: application/json' -d '{"name":"demo"}' | sed 's/.*"roomId":"\\([^"]*\\)".*/\\1/')`,
      `  curl -s -X POST ${url}/agent/rooms/$ROOM/messages -H 'Content-Type: application/json' -d '{"sender":"me","content":"hello"}'`,
      `  curl -s ${url}/agent/rooms/$ROOM/history`,
      '',
    ].join('\n') + '\n',
  );
}

function onShutdown(io: CliIo, listening: Listening, store: FileStore): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.err(`${signal}: finishing writes and shutting down\n`);
    listening.server.close();
    await store.close();
    // Let handlers whose writes just finished send their answers, then end streams and long-polls.
    await new Promise((r) => setTimeout(r, 50));
    await listening.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
