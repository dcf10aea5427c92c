// CORS for browser apps on the origins given with --cors: the answer headers and the preflight, as plain functions.

const ALLOW_HEADERS = 'Content-Type,Authorization,Last-Event-ID,X-Request-Id';
const EXPOSE_HEADERS = 'X-Request-Id,Retry-After';
const ALLOW_METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE';

/** Headers for an API answer: none when CORS is off; the caller's origin echoed when it is allowed. */
export function corsHeaders(origins: readonly string[], origin: string | undefined): Record<string, string> {
  if (origins.length === 0) return {};
  if (origin === undefined || !origins.includes(origin)) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSE_HEADERS, Vary: 'Origin' };
}

/** The extra headers of a preflight (OPTIONS) answer for an allowed origin. */
export const PREFLIGHT_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Methods': ALLOW_METHODS,
  'Access-Control-Allow-Headers': ALLOW_HEADERS,
  'Access-Control-Max-Age': '600',
};
