// One delivery attempt: a POST with a deadline, no redirects followed; the status is the answer, and a few KiB of the
// body that follows it are read and thrown away (more, or a body that is slow to end, closes the connection).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { VERSION } from '../version.js';
import { guardedLookup, isPrivateAddress } from './address-policy.js';
import type { HookConnection } from './delivery-sockets.js';

export interface DeliveryResult {
  ok: boolean;
  /** What went wrong, in a few words (never the answer's body). */
  error?: string;
  /** The receiver's Retry-After on a 429 or 503, in milliseconds. */
  retryAfterMs?: number;
}

export interface DeliveryOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the attempt, e.g. at shutdown. */
  signal?: AbortSignal;
  /** The hook's connection (one socket, counted against the cap of all deliveries); without it, Node's global agent. */
  connection?: HookConnection;
}

/** Bytes of an answer's body read after its status; past them the connection is closed. */
export const ANSWER_BODY_BYTES = 4096;
/** How long the body may take to end after the status; then the connection is closed. */
export const ANSWER_BODY_MS = 500;

/** Reads the body that follows the status, to keep the connection for the next delivery, but only a few KiB for a
 *  moment: a receiver that trickles it would hold a socket per delivery. Resolves once the body ended or was cut. */
function dropBody(res: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let bytes = 0;
    const done = () => {
      clearTimeout(timer);
      res.off('data', onData);
      resolve();
    };
    const cut = () => {
      res.destroy();
      done();
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > ANSWER_BODY_BYTES) cut();
    };
    const timer = setTimeout(cut, ANSWER_BODY_MS);
    res.on('data', onData);
    res.once('end', done);
    res.once('close', done);
    res.once('error', done);
  });
}

export async function postDelivery(url: string, body: string, headers: Record<string, string>, options: DeliveryOptions): Promise<DeliveryResult> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to without a lookup, so it is checked here.
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return { ok: false, error: `${host} is a loopback, private or link-local address (refused)` };
  }
  const { connection } = options;
  // The deadline starts once the attempt has its socket's place: waiting for one is not the receiver's time.
  if (connection && !(await connection.begin(options.signal ?? new AbortController().signal))) return { ok: false, error: 'stopped' };
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': `im-for-agents/${VERSION}`,
          ...headers,
        },
        signal,
        ...(connection && { agent: connection.agent }),
        ...(!options.allowPrivate && { lookup: guardedLookup }),
      });
      if (connection) req.once('socket', (socket) => connection.attach(socket));
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
    await dropBody(res);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return { ok: true };
    if (status >= 300 && status < 400) return { ok: false, error: `HTTP ${status}: redirects are not followed (Location: ${res.headers.location?.slice(0, 200) ?? 'none'})` };
    const retryAfter = Number(res.headers['retry-after']);
    return {
      ok: false,
      error: `HTTP ${status}`,
      ...((status === 429 || status === 503) && Number.isFinite(retryAfter) && retryAfter >= 0 && { retryAfterMs: retryAfter * 1000 }),
    };
  } catch (err) {
    if (signal.aborted && !options.signal?.aborted) return { ok: false, error: `no answer within ${options.timeoutMs / 1000} s` };
    return { ok: false, error: (err as Error).message.slice(0, 300) };
  } finally {
    connection?.end();
  }
}
