// `redact ROOM SEQ`: replace one message's content by "[redacted]" for good, for a secret posted by mistake.
import type { Command } from 'commander';
import { clientFor } from '../connect.js';
import type { CliIo } from '../io.js';
import { globals, parseWholeNumber } from '../options.js';

export function registerRedact(program: Command, io: CliIo): void {
  program
    .command('redact')
    .description('replace a message\'s content by "[redacted]" in the log for good (seq and sender stay)')
    .argument('<room>', 'room id')
    .argument('<seq>', "the message's seq (tail shows it as #SEQ)", parseWholeNumber('seq', 1))
    .option('--json', 'print the redacted message as JSON')
    .action(async (room: string, seq: number, opts: { json?: boolean }, cmd: Command) => {
      const redacted = await clientFor(io, globals(cmd)).redactMessage(room, seq);
      if (opts.json) io.out(`${JSON.stringify(redacted)}\n`);
      else io.err(`Redacted message ${redacted.seq} of room ${room} (sent by ${redacted.sender}).\n`);
    });
}
