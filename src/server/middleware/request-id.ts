// Gives every request an id (the caller's X-Request-Id when it is sane), echoed in the answer, error bodies and logs.
import { randomBytes } from 'node:crypto';

// A boot prefix and a counter: unique per server run, and far cheaper than fresh random bytes per request.
const boot = randomBytes(4).toString('hex');
let counter = 0;
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

/** The caller's X-Request-Id when it is sane (no spaces, quotes or markup; at most 64 characters), else a new one. */
export function requestIdFor(given: string | string[] | undefined): string {
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : `${boot}-${(++counter).toString(36)}`;
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdFor(c.req.header('x-request-id'));
    c.set('requestId', id);
    const node = c.env as Partial<HttpBindings> | undefined;
    c.set('clientId', `ip:${node?.incoming?.socket?.remoteAddress ?? 'local'}`);
    // Every answer is sniff-proof; the page-only headers (CSP, framing) are set by the UI routes.
    // On Node they go straight onto the socket's answer, which merges them into whatever the route sends (SSE
    // streams included); a header set through Hono would turn every answer into a web Headers object to convert back.
    const outgoing = node?.outgoing;
    if (outgoing && typeof outgoing.setHeader === 'function') {
      outgoing.setHeader('X-Request-Id', id);
      outgoing.setHeader('X-Content-Type-Options', 'nosniff');
    } else {
      c.header('X-Request-Id', id);
      c.header('X-Content-Type-Options', 'nosniff');
    }
    await next();
  };
}
