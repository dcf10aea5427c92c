// `export ROOM`: the whole room, as it is when the export begins, to stdout as JSON Lines or Markdown.
import type { Command } from 'commander';
import { clientFor } from '../connect.js';
import { CliError, type CliIo } from '../io.js';
import { globals } from '../options.js';

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('write the whole room to stdout as JSON Lines (the log\'s own format) or Markdown')
    .argument('<room>', 'room id')
    .option('--format <format>', 'jsonl or markdown', 'jsonl')
    .action(async (room: string, opts: { format: string }, cmd: Command) => {
      if (opts.format !== 'jsonl' && opts.format !== 'markdown') throw new CliError(`--format must be jsonl or markdown (got "${opts.format}").`, 2);
      await clientFor(io, globals(cmd)).exportRoom(room, opts.format, (text) => io.out(text));
    });
}
