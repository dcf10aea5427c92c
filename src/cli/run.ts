// Runs the CLI and turns every failure into one line on stderr and an exit code (1 error, 2 usage, 124 timeout).
import { CommanderError } from 'commander';
import { ApiError, ServerUnreachableError } from '../client/errors.js';
import { PortInUseError } from '../server/listen.js';
import { buildProgram } from './program.js';
import { CliError, type CliIo } from './io.js';

export async function run(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  try {
    await buildProgram(io, signal).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message; help and --version are not failures.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ApiError || err instanceof ServerUnreachableError || err instanceof PortInUseError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    if (io.env.DEBUG) throw err;
    io.err(`error: ${(err as Error)?.message ?? String(err)} (set DEBUG=1 for the stack)\n`);
    return 1;
  }
}
