// The client a command talks through: server URL, key and answer timeout from the flags, else the environment, else the defaults.
import { DEFAULT_HOST, DEFAULT_PORT } from '../api/limits.js';
import { Client } from '../client/client.js';
import { nodeFetch } from '../client/node-fetch.js';
import { CliError, type CliIo } from './io.js';
import { parseSeconds, type GlobalOptions } from './options.js';

/** Seconds a server has to answer a call (a long-poll gets its wait on top); 0 waits forever. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

export function clientFor(io: CliIo, options: GlobalOptions): Client {
  const key = options.key ?? io.env.IM_KEY;
  const as = nameFor(io, options);
  const baseUrl = serverFor(io, options);
  const env = io.env.IM_CONNECT_TIMEOUT;
  const seconds = options.connectTimeout ?? (env ? parseSeconds('IM_CONNECT_TIMEOUT')(env) : DEFAULT_CONNECT_TIMEOUT_SECONDS);
  return new Client({ baseUrl, fetch: io.fetch ?? nodeFetch(), timeoutMs: seconds * 1000, ...(key && { key }), ...(as && { as }) });
}

/** Who the user is, when they said: --as, else IM_SENDER. Streams and waits then count as that name listening. */
export function nameFor(io: CliIo, options: GlobalOptions): string | undefined {
  return options.as ?? io.env.IM_SENDER;
}

/** The server's base URL: --server, else IM_SERVER, else the default. */
export function serverFor(io: CliIo, options: GlobalOptions): string {
  if (options.server !== undefined) return serverUrl(options.server, '--server');
  return serverUrl(io.env.IM_SERVER ?? `http://${DEFAULT_HOST}:${DEFAULT_PORT}`, 'IM_SERVER');
}

/** A server's base URL; `127.0.0.1:7331`, with no scheme, means http://127.0.0.1:7331. */
function serverUrl(raw: string, from: string): string {
  const url = /^[a-z][a-z\d+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new CliError(`${from} is not a server URL (got "${raw}"); e.g. http://${DEFAULT_HOST}:${DEFAULT_PORT}`, 2);
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new CliError(`${from} must be an http:// or https:// URL (got "${raw}")`, 2);
  return url;
}
