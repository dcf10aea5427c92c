// The per-request values middleware sets for routes: who is asking, and the request id.
import type { Principal } from './auth/principal.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    /** Who to count for rate limits and stream caps: the key's digest, else the remote address. */
    clientId: string;
  };
}
