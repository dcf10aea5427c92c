// `search ROOM [TEXT]`: the newest messages matching text, sender or addressee, oldest first.
import type { Command } from 'commander';
import { clientFor } from '../connect.js';
import { formatMessage } from '../format.js';
import { CliError, colors, type CliIo } from '../io.js';
import { globals, parseWholeNumber } from '../options.js';

interface SearchOptions {
  sender?: string;
  to?: string;
  limit?: number;
  json?: boolean;
}

export function registerSearch(program: Command, io: CliIo): void {
  program
    .command('search')
    .description('print the newest messages that match, oldest first (case-insensitive over content, sender and type)')
    .argument('<room>', 'room id')
    .argument('[text...]', 'text to look for')
    .option('--sender <name>', 'only messages from this sender')
    .option('--to <name>', 'only messages addressed to this name or @mentioning it')
    .option('--limit <n>', 'at most this many matches (server default 100, at most 1000)', parseWholeNumber('--limit', 1))
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (room: string, text: string[], opts: SearchOptions, cmd: Command) => {
      const q = text.join(' ');
      if (!q && opts.sender === undefined && opts.to === undefined) throw new CliError('Give text to look for, --sender or --to.', 2);
      const found = await clientFor(io, globals(cmd)).search(room, {
        ...(q && { q }),
        ...(opts.sender !== undefined && { sender: opts.sender }),
        ...(opts.to !== undefined && { to: opts.to }),
        ...(opts.limit !== undefined && { limit: opts.limit }),
      });
      const c = colors(io);
      for (const m of found) io.out(opts.json ? `${JSON.stringify(m)}\n` : formatMessage(m, c));
    });
}
