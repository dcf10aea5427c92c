// `inbox ROOM --as NAME [--ack]`: NAME's unread messages (to it, @mentioning it, or to everyone); --ack marks them read.
import type { Command } from 'commander';
import { isAgentKey } from '../../api/key-prefixes.js';
import type { Message } from '../../api/types.js';
import { clientFor, nameFor } from '../connect.js';
import { formatMessage } from '../format.js';
import { CliError, colors, type CliIo } from '../io.js';
import { globals, parseSeconds, parseWholeNumber } from '../options.js';

interface InboxOptions {
  ack?: boolean;
  limit?: number;
  wait?: number;
  json?: boolean;
}

export function registerInbox(program: Command, io: CliIo): void {
  program
    .command('inbox')
    .description("print NAME's unread messages (to it, @mentioning it, or to everyone; not its own), oldest first; reading marks nothing read")
    .argument('<room>', 'room id')
    .option('--ack', 'then mark the inbox read through the last message printed')
    .option('--limit <n>', 'at most this many (default 100, most 1000)', parseWholeNumber('--limit', 1))
    .option('--wait <seconds>', 'when the inbox is empty, wait this long for something (at most 60)', parseSeconds('--wait'))
    .option('--json', 'one JSON object per message (NDJSON)')
    .action(async (room: string, opts: InboxOptions, cmd: Command) => {
      const flags = globals(cmd);
      // An agent key names its holder; anyone else says whose inbox.
      if (nameFor(io, flags) === undefined && !isAgentKey(flags.key ?? io.env.IM_KEY)) {
        throw new CliError('Say whose inbox: --as NAME (or IM_SENDER, or an agent key in --key / IM_KEY).', 2);
      }
      const client = clientFor(io, flags);
      const inbox = await client.inbox(room, {
        ...(opts.limit !== undefined && { limit: opts.limit }),
        ...(opts.wait !== undefined && { wait: opts.wait }),
      });
      const c = colors(io);
      const print = (m: Message) => io.out(opts.json ? `${JSON.stringify(m)}\n` : formatMessage(m, c));
      inbox.messages.forEach(print);
      const last = inbox.messages.at(-1);
      if (!last) return io.err(`No unread messages for ${inbox.name}.\n`);
      if (opts.ack) await client.ackInbox(room, last.seq, inbox.name);
    });
}
