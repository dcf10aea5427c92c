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

/** Parses `--json` output by the CLI's one rule (NDJSON): every line one JSON value, no line left over. */
export function ndjson<T = unknown>(stdout: string): T[] {
  if (stdout !== '' && !stdout.endsWith('\n')) throw new Error(`--json output does not end its last line: ${JSON.stringify(stdout.slice(-80))}`);
  return stdout.split('\n').slice(0, -1).map((line) => JSON.parse(line) as T);
}
