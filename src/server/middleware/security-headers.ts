// Headers that keep the UI's pages from running injected script or being framed.
import type { MiddlewareHandler } from 'hono';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Set before the handler runs, so they are part of the answer it builds: changing a finished answer's headers costs
 *  far more (the Node adapter must turn its lightweight response into a full one). */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    c.header('Content-Security-Policy', CSP);
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    await next();
  };
}
