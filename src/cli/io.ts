// What a CLI command may touch: output streams, input, environment and the client factory; injectable for tests.
import { Chalk, type ChalkInstance } from 'chalk';
import { Client, type ClientOptions } from '../client/client.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../api/limits.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal: colours, banners and the browser are for people only. */
  interactive: boolean;
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
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stdin: process.stdin,
    env: process.env,
    interactive: Boolean(process.stdout.isTTY),
  };
}

export function colors(io: CliIo): ChalkInstance {
  const on = io.interactive && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  return new Chalk({ level: on ? 1 : 0 });
}

export const defaultServer = (env: NodeJS.ProcessEnv): string =>
  env.IM_SERVER ?? `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;

export function clientFor(io: CliIo, options: { server?: string; key?: string }): Client {
  const key = options.key ?? io.env.IM_KEY;
  return new Client({ baseUrl: options.server ?? defaultServer(io.env), ...(io.fetch && { fetch: io.fetch }), ...(key && { key }) });
}
