// Refuses DNS rebinding (a Host that is not ours while auth is off) and cross-site browser requests (a foreign Origin).
import { HttpError } from '../errors.js';

/** True for names that always mean this machine: localhost (and *.localhost), 127.0.0.0/8 and ::1. */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a Host header value, without its port ("[::1]:80" -> "[::1]"). */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

export interface HostPolicy {
  /** Off when auth is on: a key is needed anyway, and the server may be reached by any name. */
  checkHost: boolean;
  /** Names besides loopback ones that may address the server while auth is off (--allow-host). */
  allowedHosts: readonly string[];
  /** Origins allowed to call from a browser (--cors). */
  corsOrigins: readonly string[];
}

/**
 * With auth off, a web page whose name an attacker re-points at 127.0.0.1 would be same-origin with this server; its
 * requests still carry the attacker's name in Host, so only loopback names (and --allow-host ones) are served.
 * A browser request from another site carries its Origin: refused unless --cors lists it.
 */
export function guardHostAndOrigin(policy: HostPolicy, host: string | undefined, origin: string | undefined): void {
  if (policy.checkHost && host !== undefined) {
    const name = hostName(host);
    if (!isLoopbackName(name) && !policy.allowedHosts.includes(name.toLowerCase())) {
      throw new HttpError(
        403,
        'host_not_allowed',
        `This server answers only to localhost, 127.0.0.1 and [::1] while auth is off (got Host "${host.slice(0, 100)}"); this keeps web pages from reaching it by DNS rebinding. Use one of those names, or start it with --allow-host NAME.`,
      );
    }
  }
  if (origin !== undefined && !sameOrigin(origin, host) && !policy.corsOrigins.includes(origin)) {
    throw new HttpError(
      403,
      'origin_not_allowed',
      `Browser requests from ${JSON.stringify(origin.slice(0, 100))} are refused: only this server's own pages and origins given with --cors may call it.`,
    );
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
