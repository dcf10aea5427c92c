// `wait ROOM`: blocks until the next (matching) message, prints it and exits 0; exit 124 past --timeout.
import type { Command } from 'commander';
import { CliError, colors, type CliIo } from '../io.js';
import { clientFor } from '../connect.js';
import { formatMessage } from '../format.js';
import { globals, parseSeconds, parseWholeNumber } from '../options.js';

interface WaitOptions {
  after?: number;
  from?: string;
  to?: string;
  type?: string;
  timeout?: number;
  json?: boolean;
}

/** Same code as coreutils' timeout(1), so scripts can tell "nothing came" from an error. */
export const TIMEOUT_EXIT_CODE = 124;

export function registerWait(program: Command, io: CliIo): void {
  program
    .command('wait')
    .description('wait for the next (matching) message, print it and exit; it starts after --after SEQ, else after your own latest message (--as), else at the newest')
    .argument('<room>', 'room id')
    .option('--after <seq>', 'wait for a message past this seq', parseWholeNumber('--after'))
    .option('--from <sender>', 'only a message from this sender')
    .option('--to <name>', 'only a message addressed to this name (to or @mention)')
    .option('--type <type>', 'only a message of this type')
    .option('--timeout <seconds>', 'give up after this long (exit code 124)', parseSeconds('--timeout'))
    .option('--json', 'print the message as JSON')
    .action(async (room: string, opts: WaitOptions, cmd: Command) => {
      const message = await clientFor(io, globals(cmd)).waitFor(room, {
        ...(opts.after !== undefined && { after: opts.after }),
        ...(opts.from !== undefined && { from: opts.from }),
        ...(opts.to !== undefined && { to: opts.to }),
        ...(opts.type !== undefined && { type: opts.type }),
        ...(opts.timeout !== undefined && { timeoutMs: opts.timeout * 1000 }),
      });
      if (!message) throw new CliError(`No matching message within ${opts.timeout}s.`, TIMEOUT_EXIT_CODE);
      io.out(opts.json ? `${JSON.stringify(message)}\n` : formatMessage(message, colors(io)));
    });
}
