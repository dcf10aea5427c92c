// `tail ROOM`: the last N messages, and with -f every new one live (reconnecting if the server restarts).
import type { Command } from 'commander';
import type { Message } from '../../api/types.js';
import { colors, type CliIo } from '../io.js';
import { clientFor } from '../connect.js';
import { formatMessage } from '../format.js';
import { globals, parseWholeNumber } from '../options.js';

interface TailOptions {
  lines: number;
  follow?: boolean;
  json?: boolean;
}

export function registerTail(program: Command, io: CliIo, signal?: AbortSignal): void {
  program
    .command('tail')
    .description('print the last messages of a room; -f keeps printing new ones')
    .argument('<room>', 'room id')
    .option('-n, --lines <n>', 'how many past messages to print', parseWholeNumber('--lines'), 20)
    .option('-f, --follow', 'keep printing new messages as they arrive')
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (room: string, opts: TailOptions, cmd: Command) => {
      const client = clientFor(io, globals(cmd));
      const c = colors(io);
      const print = (m: Message) => io.out(opts.json ? `${JSON.stringify(m)}\n` : formatMessage(m, c));
      const past = opts.lines > 0 ? await client.history(room, { limit: Math.min(opts.lines, 1000) }) : [];
      past.forEach(print);
      if (!opts.follow) return;
      const after = past.at(-1)?.seq ?? (opts.lines > 0 ? 0 : (await client.getRoom(room)).lastSeq);
      const stream = client.stream(room, {
        after,
        ...(signal && { signal }),
        onState: (state, detail) => {
          if (state === 'retrying') io.err(`connection lost (${detail ?? 'closed'}); reconnecting…\n`);
        },
        // What was printed already cannot be taken back, so the person watching is told (stdout keeps the messages).
        onEvent: (event, data) => {
          if (event === 'redacted') io.err(`message #${(JSON.parse(data) as Message).seq} was redacted\n`);
          if (event === 'deleted') io.err('the room was deleted\n');
        },
      });
      for await (const m of stream) print(m);
    });
}
