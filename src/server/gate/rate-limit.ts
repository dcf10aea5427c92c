// A token bucket per client: `perSecond` sustained, `burst` at once; past it a 429 with Retry-After.
import { HttpError } from '../errors.js';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_CLIENTS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes one token for this client, or throws the 429 that says when to come back. */
  take(clientId: string, now = Date.now()): void {
    const { perSecond, burst } = this.limit;
    let b = this.buckets.get(clientId);
    if (!b) {
      // Forget the oldest clients rather than grow without bound (Map keeps insertion order).
      if (this.buckets.size >= MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value as string);
      b = { tokens: burst, at: now };
      this.buckets.set(clientId, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      throw new HttpError(429, 'rate_limited', `Too many requests: this server allows ${perSecond} per second per client. Retry after ${wait} s.`, {
        'Retry-After': String(wait),
      });
    }
    b.tokens -= 1;
  }
}
