// Asks a yes/no question on the terminal before something that cannot be undone; never asks a pipe or a script.
import { createInterface } from 'node:readline';
import { CliError, type CliIo } from './io.js';

/**
 * Resolves when the person at the terminal answers y or yes. Without a terminal on stdin nobody can answer, so the
 * command needs `--yes` there (a usage error, exit 2, rather than a script that hangs or deletes by surprise).
 */
export async function confirm(io: CliIo, question: string, what: string): Promise<void> {
  if (!io.stdin.isTTY) throw new CliError(`${what} cannot be undone: pass --yes to do it without a terminal to ask on.`, 2);
  io.err(`${question} [y/N] `);
  const lines = createInterface({ input: io.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
  });
  lines.close();
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError(`${what}: not done (answer y to go ahead, or pass --yes).`);
}
