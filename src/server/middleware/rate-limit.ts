// A token bucket per client: `perSecond` sustained, `burst` at once; past it a 429 with Retry-After.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
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

export function rateLimit({ perSecond, burst }: RateLimit): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, Bucket>();
  return async (c, next) => {
    const id = c.get('clientId');
    const now = Date.now();
    let b = buckets.get(id);
    if (!b) {
      // Forget the oldest clients rather than grow without bound (Map keeps insertion order).
      if (buckets.size >= MAX_CLIENTS) buckets.delete(buckets.keys().next().value as string);
      b = { tokens: burst, at: now };
      buckets.set(id, b);
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
    await next();
  };
}
