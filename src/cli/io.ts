// What a CLI command may touch: output streams, input, environment and the client factory; injectable for tests.
import { Chalk, type ChalkInstance } from 'chalk';
import type { ClientOptions } from '../client/client.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal: colours, banners and the browser are for people only. */
  interactive: boolean;
  /** stderr is a terminal: progress bars redraw in place there, plain lines otherwise. */
  errInteractive?: boolean;
  fetch?: ClientOptions['fetch'];
}

/** A failure already phrased for the user; `exitCode` 2 means usage. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function processIo(): CliIo {
  // The reader went away (`tail ROOM | head -2`): nothing more can be shown, so stop quietly, as `yes | head` does.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`error: cannot write the output: ${err.message}\n`);
    process.exit(err.code === 'EPIPE' ? 0 : 1);
  });
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stdin: process.stdin,
    env: process.env,
    interactive: Boolean(process.stdout.isTTY),
    errInteractive: Boolean(process.stderr.isTTY),
  };
}

export function colors(io: CliIo): ChalkInstance {
  const on = io.interactive && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  return new Chalk({ level: on ? 1 : 0 });
}
