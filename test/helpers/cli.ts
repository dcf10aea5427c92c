// The CLI run in-process against an app's fetch: what it prints on stdout and stderr, and its exit code.
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';

export async function cli(argv: string[], fetch: CliIo['fetch']): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(Readable.from([]), { isTTY: true });
  const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), stdin, env: { NO_COLOR: '1' }, interactive: false, ...(fetch && { fetch }) };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
