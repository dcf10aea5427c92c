// Runs the CLI and turns every failure into one line on stderr and an exit code (1 error, 2 usage, 124 timeout).
import { CommanderError } from 'commander';
import { ApiError, NotImServerError, ServerUnreachableError } from '../client/errors.js';
import { CliError, type CliIo } from './io.js';
import { runProgram } from './program.js';

/** The server speaks of the Authorization header; here the key comes from a flag or the environment. */
const KEY_HINT = ' With the CLI: --key KEY or IM_KEY.';

export async function run(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  try {
    await runProgram(argv, io, signal);
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
    if (err instanceof ApiError || err instanceof ServerUnreachableError || err instanceof NotImServerError || (await isPortInUse(err))) {
      io.err(`error: ${(err as Error).message}${err instanceof ApiError && err.status === 401 ? KEY_HINT : ''}\n`);
      return 1;
    }
    if (io.env.DEBUG) throw err;
    io.err(`error: ${(err as Error)?.message ?? String(err)} (set DEBUG=1 for the stack)\n`);
    return 1;
  }
}

/** Only serve can fail this way, and only it loads the server code: a client command never imports it for this check. */
async function isPortInUse(err: unknown): Promise<boolean> {
  if ((err as Error | undefined)?.name !== 'PortInUseError') return false;
  const { PortInUseError } = await import('../server/listen.js');
  return err instanceof PortInUseError;
}
