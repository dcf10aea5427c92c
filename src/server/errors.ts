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
    /** Sent with the error answer, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const errorBody = (code: string, message: string, requestId?: string): ErrorBody => ({
  error: { code, message, ...(requestId && { requestId }) },
});

/** The HTTP status of each store failure. */
export const storeStatus: Record<StoreError['code'], ContentfulStatusCode> = {
  room_not_found: 404,
  unavailable: 503,
  corrupt: 500,
  limit: 409,
};

/** Maps any failure to the one error shape. Logs carry the request id and never a header, so no key reaches a log. */
export function toErrorResponse(err: unknown, c: Context, log: (message: string) => void): Response {
  const id = c.get('requestId') as string | undefined;
  const where = `[${id ?? '-'}] ${c.req.method} ${c.req.path}`;
  if (err instanceof HttpError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(err.code, err.message, id), err.status);
  }
  if (err instanceof StoreError) {
    if (err.code !== 'room_not_found' && err.code !== 'limit') log(`store error on ${where}: ${err.message}`);
    return c.json(errorBody(err.code, err.message, id), storeStatus[err.code]);
  }
  log(`unexpected error on ${where}: ${(err as Error)?.stack ?? String(err)}`);
  return c.json(errorBody('internal', `The server failed to handle this request; it is logged on the server as ${id}.`, id), 500);
}

export function notFound(c: Context): Response {
  return c.json(
    errorBody('not_found', `No route ${c.req.method} ${c.req.path}. The API lives under /agent; see the README.`, c.get('requestId') as string | undefined),
    404,
  );
}
