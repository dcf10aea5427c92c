// Open SSE streams and waiting long-polls: capped per client and in total, and all ended at shutdown.
import type { Context } from 'hono';
import { MAX_SENDER_LENGTH } from '../api/limits.js';
import { nodeOf, type AppEnv } from './env.js';
import { HttpError } from './errors.js';

export interface StreamLimits {
  perClient: number;
  total: number;
  /** An SSE stream that delivered nothing for this long is closed (the client may reconnect). */
  idleMs: number;
}

export interface OpenStream {
  /** Called once, at shutdown: say goodbye and end. */
  end(): void;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
const LOOPBACK = /^(?:127\.|::1$|::ffff:127\.)/;

/** The optional `?as=NAME`: which agent is asking, by the name it sends messages under. */
export function agentName(c: Context<AppEnv>): string | undefined {
  const as = c.req.query('as');
  if (as === undefined) return undefined;
  if (as.trim() === '' || as.length > MAX_SENDER_LENGTH) {
    throw new HttpError(400, 'invalid_query', `as must be the agent's name, 1 to ${MAX_SENDER_LENGTH} characters (got ${as.length}).`);
  }
  return as;
}

/**
 * Whom a stream or long-poll counts against. Off loopback: the client (its key, else its address). On loopback every
 * local program has the same address, so each counts as its agent (`?as=NAME`, within its key if it has one) or,
 * without a name, as its own connection: then only the total applies.
 */
export function streamOwner(c: Context<AppEnv>): string | undefined {
  const as = agentName(c);
  const address = nodeOf(c).incoming?.socket?.remoteAddress;
  if (address === undefined || !LOOPBACK.test(address)) return c.get('clientId');
  return as === undefined ? undefined : `${c.get('clientId')}|as:${as}`;
}

export class StreamRegistry {
  private readonly byClient = new Map<string, number>();
  private readonly open = new Set<OpenStream>();
  private closing = false;

  constructor(readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  /** Counts a stream in, or refuses it with a 429 (503 while shutting down); returns the release function. Without an
   *  owner only the total applies. */
  admit(owner: string | undefined, stream: OpenStream): () => void {
    if (this.closing) throw new HttpError(503, 'shutting_down', 'The server is shutting down; reconnect in a moment.');
    const mine = owner === undefined ? 0 : (this.byClient.get(owner) ?? 0);
    if (mine >= this.limits.perClient) {
      throw new HttpError(429, 'too_many_streams', `This client already has ${mine} open streams and long-polls, the most allowed (--max-streams-per-client).`, { 'Retry-After': '5' });
    }
    if (this.open.size >= this.limits.total) {
      throw new HttpError(429, 'too_many_streams', `The server has ${this.open.size} open streams and long-polls, the most allowed (--max-streams).`, { 'Retry-After': '5' });
    }
    if (owner !== undefined) this.byClient.set(owner, mine + 1);
    this.open.add(stream);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open.delete(stream);
      if (owner === undefined) return;
      const n = (this.byClient.get(owner) ?? 1) - 1;
      if (n > 0) this.byClient.set(owner, n);
      else this.byClient.delete(owner);
    };
  }

  /** Ends every stream and long-poll, and refuses new ones. */
  closeAll(): void {
    this.closing = true;
    for (const s of [...this.open]) s.end();
  }
}
