// The CLI run in-process against an app's fetch: what it prints on stdout and stderr, and its exit code. Every test
// of a command runs it here; test/e2e keeps one spawned-bin smoke test per command family.
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `input` is what stdin holds (a pipe); without it stdin is a terminal nobody types into, unless `tty` says otherwise.
 *  Any other part of the io (env, interactive, errInteractive) replaces the default: no env, output not a terminal. */
export interface CliOptions extends Partial<Omit<CliIo, 'out' | 'err' | 'stdin' | 'fetch'>> {
  input?: string;
  tty?: boolean;
}

/** Starts a command and returns at once: `output` grows while it runs, `done` is its exit code; `signal` stops it. */
export function startCli(argv: string[], fetch: CliIo['fetch'], options: CliOptions = {}, signal?: AbortSignal): { output: { stdout: string; stderr: string }; done: Promise<number> } {
  const { input, tty = input === undefined, ...more } = options;
  const output = { stdout: '', stderr: '' };
  const io: CliIo = {
    out: (t) => void (output.stdout += t),
    err: (t) => void (output.stderr += t),
    stdin: Object.assign(Readable.from(input === undefined ? [] : [Buffer.from(input)]), { isTTY: tty }),
    env: {},
    interactive: false,
    ...more,
    ...(fetch && { fetch }),
  };
  return { output, done: run(argv, io, signal) };
}

/** Runs a command to its end. */
export async function cli(argv: string[], fetch?: CliIo['fetch'], options: CliOptions = {}): Promise<CliResult> {
  const { output, done } = startCli(argv, fetch, options);
  const code = await done;
  return { code, ...output };
}

/** Parses `--json` output by the CLI's one rule (NDJSON): every line one JSON value, no line left over. */
export function ndjson<T = unknown>(stdout: string): T[] {
  if (stdout !== '' && !stdout.endsWith('\n')) throw new Error(`--json output does not end its last line: ${JSON.stringify(stdout.slice(-80))}`);
  return stdout.split('\n').slice(0, -1).map((line) => JSON.parse(line) as T);
}
