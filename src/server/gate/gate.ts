// Everything a request passes before a route, in one order, for the Hono app and the fast send path alike.
import type { IncomingHttpHeaders } from 'node:http';
import type { RoomStorage } from '../../store/store.js';
import type { Principal } from '../auth/principal.js';
import { authenticate, type AuthConfig } from './authenticate.js';
import { corsHeaders } from './cors.js';
import { guardHostAndOrigin, type HostPolicy } from './host-origin.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import { requestIdFor } from './request-id.js';

export interface GateOptions {
  store: RoomStorage;
  /** Auth is on when an admin token digest is given. */
  auth?: AuthConfig;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  cors?: readonly string[];
  /** Per-client request rate; unlimited when absent. */
  rateLimit?: RateLimit;
  /** Host names besides loopback ones that may address the server while auth is off. */
  allowedHosts?: readonly string[];
}

/** What the gate reads of a request. */
export interface RequestFacts {
  host?: string | undefined;
  origin?: string | undefined;
  authorization?: string | undefined;
  requestId?: string | string[] | undefined;
  remoteAddress?: string | undefined;
  /** The connection, when there is one: authenticate remembers on it the last key it carried. */
  connection?: object | undefined;
}

export interface Admitted {
  principal: Principal;
  /** Who to count for rate limits and stream caps: the key's digest, else the remote address. */
  clientId: string;
}

export function factsOf(headers: IncomingHttpHeaders, remoteAddress: string | undefined, connection?: object): RequestFacts {
  return {
    host: headers.host,
    origin: headers.origin,
    authorization: headers.authorization,
    requestId: headers['x-request-id'],
    remoteAddress,
    connection,
  };
}

export class Gate {
  readonly auth: AuthConfig;
  readonly corsOrigins: readonly string[];
  private readonly limiter: RateLimiter | undefined;
  private readonly policy: HostPolicy;
  /** The last Host that passed without an Origin: the policy is fixed, so it passes again. */
  private passedHost: string | undefined;

  constructor(private readonly options: GateOptions) {
    this.auth = options.auth ?? {};
    this.corsOrigins = options.cors ?? [];
    this.limiter = options.rateLimit && new RateLimiter(options.rateLimit);
    this.policy = {
      checkHost: !this.auth.adminTokenHash,
      allowedHosts: (options.allowedHosts ?? []).map((h) => h.toLowerCase()),
      corsOrigins: this.corsOrigins,
    };
  }

  /** The request id and the headers every answer carries: the id, nosniff, and CORS. */
  open(facts: RequestFacts): { requestId: string; headers: Record<string, string> } {
    const requestId = requestIdFor(facts.requestId);
    const headers: Record<string, string> = { 'X-Request-Id': requestId, 'X-Content-Type-Options': 'nosniff' };
    if (this.corsOrigins.length > 0) Object.assign(headers, corsHeaders(this.corsOrigins, facts.origin));
    return { requestId, headers };
  }

  /** Host and Origin: every route, the UI's included. */
  guard(facts: RequestFacts): void {
    const { host, origin } = facts;
    if (origin === undefined && host !== undefined && host === this.passedHost) return;
    guardHostAndOrigin(this.policy, host, origin);
    if (origin === undefined) this.passedHost = host;
  }

  /** An API request: Host and Origin, the rate limit (per address), then the key. */
  async pass(facts: RequestFacts): Promise<Admitted> {
    this.guard(facts);
    const address = `ip:${facts.remoteAddress ?? 'local'}`;
    this.limiter?.take(address);
    const { principal, keyId } = await authenticate(this.options.store, this.auth, facts.authorization, facts.connection);
    return { principal, clientId: keyId ?? address };
  }
}
