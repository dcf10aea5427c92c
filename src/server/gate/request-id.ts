// Gives every request an id (the caller's X-Request-Id when it is sane), echoed in the answer, error bodies and logs.
import { randomBytes } from 'node:crypto';

// A boot prefix and a counter: unique per server run, and far cheaper than fresh random bytes per request.
const boot = randomBytes(4).toString('hex');
let counter = 0;

/** The caller's X-Request-Id when it is sane (no spaces, quotes or markup; at most 64 characters), else a new one. */
export function requestIdFor(given: string | string[] | undefined): string {
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : `${boot}-${(++counter).toString(36)}`;
}
