// A hook URL as shown to those who may read a room but not manage it: its credentials masked, the rest as given.
import type { Webhook } from '../api/webhooks.js';

export const MASK = '***';

/** Query parameters whose value is a secret by their name. */
const SECRET_NAME = /token|key|secret|sig|pass|pwd|auth|session|credential|code/i;
/** A value or path segment that looks like a generated secret: 16+ URL-safe characters mixing letters and digits. */
const looksLikeToken = (s: string): boolean => s.length >= 16 && /^[\w.~%+=-]+$/.test(s) && /\d/.test(s) && /[a-z]/i.test(s);

/** `url` with its user and password, secret-named or token-looking query values and token-looking path segments masked. */
export function maskedUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return MASK;
  }
  if (u.username) u.username = MASK;
  if (u.password) u.password = MASK;
  u.pathname = u.pathname
    .split('/')
    .map((segment) => (looksLikeToken(segment) ? MASK : segment))
    .join('/');
  const query = new URLSearchParams(u.search);
  for (const [name, value] of [...query]) if (SECRET_NAME.test(name) || looksLikeToken(value)) query.set(name, MASK);
  u.search = query.toString();
  return u.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

/** The hook with its URL masked, also where its last error quotes it. */
export function maskedHook<T extends Webhook>(hook: T): T {
  const url = maskedUrl(hook.url);
  return { ...hook, url, ...(hook.lastError !== undefined && { lastError: hook.lastError.replaceAll(hook.url, url) }) };
}
