// The one error shape, {"error":{"code","message"}}, and the one place that maps failures to it.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../api/types.js';
import { StoreError } from '../store/errors.js';
import { missingRoomId } from './missing-room-id.js';
import { WebhookError } from '../webhooks/errors.js';

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

const storeStatus: Record<StoreError['code'], ContentfulStatusCode> = {
  room_not_found: 404,
  unavailable: 503,
  corrupt: 500,
  limit: 409,
  locked: 503,
  conflict: 409,
};

const webhookStatus: Record<WebhookError['code'], ContentfulStatusCode> = {
  unavailable: 503,
  limit: 409,
  webhook_url_refused: 400,
  webhook_not_found: 404,
};

/** What an API user can do about a store error: the store's own text says only what happened to the data. */
const storeHint: Partial<Record<StoreError['code'], string>> = {
  room_not_found: ' Create one with POST /agent/rooms {"name": "..."}.',
  limit: ' Its operator can raise --max-rooms.',
};

/** Any failure as a status and the one error shape. Logs carry the request id and never a header, so no key reaches
 *  a log. Used by the app's error handler and by the fast send path. */
export function describeError(
  err: unknown,
  id: string | undefined,
  where: string,
  log: (message: string) => void,
): { status: ContentfulStatusCode; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof HttpError) {
    const headers = err.status === 401 ? { 'WWW-Authenticate': bearerChallenge(err), ...err.headers } : err.headers;
    return { status: err.status, body: errorBody(err.code, err.message, id), headers };
  }
  if (err instanceof WebhookError) return { status: webhookStatus[err.code], body: errorBody(err.code, err.message, id), headers: {} };
  if (err instanceof StoreError) {
    if (err.code !== 'room_not_found' && err.code !== 'limit') log(`store error on ${where}: ${err.message}`);
    return { status: storeStatus[err.code], body: errorBody(err.code, err.message + (storeHint[err.code] ?? ''), id), headers: {} };
  }
  log(`unexpected error on ${where}: ${(err as Error)?.stack ?? String(err)}`);
  const message = `The server failed to handle this request; it is logged on the server as ${id}.`;
  return { status: 500, body: errorBody('internal', message, id), headers: {} };
}

/** The challenge every 401 carries (RFC 6750): MCP clients read it, and with none they take a 401 as the start of an
 *  OAuth login instead of showing the server's message. A key that was given and refused is an invalid_token. */
function bearerChallenge(err: HttpError): string {
  const description = err.message.replace(/["\\]/g, "'");
  const error = err.code === 'unauthorized' ? '' : ', error="invalid_token"';
  return `Bearer realm="im-for-agents"${error}, error_description="${description}"`;
}

/** Maps any failure to the one error shape, as the app's answer. */
export function toErrorResponse(err: unknown, c: Context, log: (message: string) => void): Response {
  const id = c.get('requestId') as string | undefined;
  const { status, body, headers } = describeError(err, id, `[${id ?? '-'}] ${c.req.method} ${c.req.path}`, log);
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json(body, status);
}

export interface RouteInfo {
  method: string;
  path: string;
}

/** What people mean when they reach a path with the wrong method. */
const HINTS: Record<string, string> = {
  '/agent/rooms/:id/messages': 'To read a room, use GET /agent/rooms/ROOM_ID/history (or /stream for live messages).',
  '/agent/rooms': 'GET lists rooms; POST {"name"} creates one.',
};

/** The answer when no route matched: names the methods the path does take, or says where the API lives. */
export function notFoundFor(routes: readonly RouteInfo[]): (c: Context) => Response {
  const table = routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => ({ ...r, pattern: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`) }));
  return (c) => {
    const id = c.get('requestId') as string | undefined;
    const missing = missingRoomId(c.req.path);
    if (missing) return c.json(errorBody(missing.code, missing.message, id), 400);
    const matching = table.filter((r) => r.pattern.test(c.req.path));
    const methods = [...new Set(matching.map((r) => r.method))];
    if (methods.length === 0) {
      return c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}. The API lives under /agent; see GET /agent/health and the README.`, id), 404);
    }
    const hint = HINTS[matching[0]!.path];
    c.header('Allow', methods.join(', '));
    const message = `${c.req.path} takes ${methods.join(' or ')}, not ${c.req.method}.${hint ? ` ${hint}` : ''}`;
    return c.json(errorBody('method_not_allowed', message, id), 405);
  };
}
