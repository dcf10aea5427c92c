// The one error shape, {"error":{"code","message"}}, and the one place that maps failures to it.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../api/types.js';
import { StoreError } from '../store/errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

const storeStatus: Record<StoreError['code'], ContentfulStatusCode> = {
  room_not_found: 404,
  unavailable: 503,
  corrupt: 500,
  limit: 409,
};

export function toErrorResponse(err: unknown, c: Context, log: (message: string) => void): Response {
  if (err instanceof HttpError) return c.json(errorBody(err.code, err.message), err.status);
  if (err instanceof StoreError) {
    if (err.code !== 'room_not_found') log(`store error on ${c.req.method} ${c.req.path}: ${err.message}`);
    return c.json(errorBody(err.code, err.message), storeStatus[err.code]);
  }
  log(`unexpected error on ${c.req.method} ${c.req.path}: ${(err as Error)?.stack ?? String(err)}`);
  return c.json(errorBody('internal', 'The server failed to handle this request; it is logged on the server.'), 500);
}

export function notFound(c: Context): Response {
  return c.json(
    errorBody('not_found', `No route ${c.req.method} ${c.req.path}. The API lives under /agent; see the README.`),
    404,
  );
}
