// `thread ROOM ID`: one message and the replies to it, each reply indented under the message it answers.
import type { Command } from 'commander';
import { clientFor } from '../connect.js';
import { formatThread, jsonLines } from '../format.js';
import { colors, type CliIo } from '../io.js';
import { globals, parseWholeNumber } from '../options.js';

export function registerThread(program: Command, io: CliIo): void {
  program
    .command('thread')
    .description('print a message and every reply to it (replyTo), replies indented under what they answer')
    .argument('<room>', 'room id')
    .argument('<id>', 'the message id (its "id", as in --json output)')
    .option('--limit <n>', 'at most this many messages (server default 100, at most 1000)', parseWholeNumber('--limit', 1))
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (room: string, id: string, opts: { limit?: number; json?: boolean }, cmd: Command) => {
      const messages = await clientFor(io, globals(cmd)).history(room, { thread: id, ...(opts.limit !== undefined && { limit: opts.limit }) });
      io.out(opts.json ? jsonLines(messages) : formatThread(messages, colors(io)));
    });
}
