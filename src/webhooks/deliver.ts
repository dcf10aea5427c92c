// One delivery attempt: a POST with a deadline, no redirects followed, the answer's body read and thrown away.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { VERSION } from '../version.js';
import { guardedLookup, isPrivateAddress } from './address-policy.js';

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
}

export async function postDelivery(url: string, body: string, headers: Record<string, string>, options: DeliveryOptions): Promise<DeliveryResult> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to without a lookup, so it is checked here.
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return { ok: false, error: `${host} is a loopback, private or link-local address (refused)` };
  }
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
        ...(!options.allowPrivate && { lookup: guardedLookup }),
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
    res.resume(); // the answer's body is not kept
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
  }
}
