// Gives every request an id (the caller's X-Request-Id when it is sane), echoed in the answer, error bodies and logs.
import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && /^[\w.:-]{1,64}$/.test(given) ? given : randomBytes(8).toString('hex');
    c.set('requestId', id);
    const remote = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;
    c.set('clientId', `ip:${remote ?? 'local'}`);
    c.header('X-Request-Id', id);
    await next();
  };
}
