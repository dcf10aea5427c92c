// Gives every request an id (the caller's X-Request-Id when it is sane), echoed in the answer, error bodies and logs.
import { randomBytes } from 'node:crypto';

// A boot prefix and a counter: unique per server run, and far cheaper than fresh random bytes per request.
const boot = randomBytes(4).toString('hex');
let counter = 0;
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && /^[\w.:-]{1,64}$/.test(given) ? given : `${boot}-${(++counter).toString(36)}`;
    c.set('requestId', id);
    const remote = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;
    c.set('clientId', `ip:${remote ?? 'local'}`);
    c.header('X-Request-Id', id);
    // Every answer is sniff-proof; the page-only headers (CSP, framing) are set by the UI routes.
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  };
}
