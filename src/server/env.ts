// The per-request values middleware sets for routes (who is asking, the request id) and the Node objects, when on Node.
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { Principal } from './auth/principal.js';

export interface AppEnv {
  /** Absent under app.request() (no socket): read them through nodeOf(). */
  Bindings: Partial<HttpBindings> & {
    /** For in-process calls made on a client's behalf (the MCP tools): that client's address, for rate limits. */
    remoteAddress?: string;
  };
  Variables: {
    requestId: string;
    principal: Principal;
    /** Who to count for rate limits and stream caps: the key's digest, else the remote address. */
    clientId: string;
  };
}

/** Node's request and answer when the app runs on a socket; empty under app.request(). */
export function nodeOf(c: Context): Partial<HttpBindings> {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env && typeof env.incoming?.on === 'function' ? env : {};
}

/** Aborts when the client hangs up before the answer is finished. Read from the Node socket when there is one:
 *  `c.req.raw.signal` builds a whole web Request. An answer that was sent whole aborts nothing: an abort builds a
 *  DOMException with its stack and tells every listener, which was a tenth of a long-poll's server time. */
export function hangUp(c: Context): AbortSignal {
  const { outgoing } = nodeOf(c);
  if (!outgoing) return c.req.raw.signal;
  const ac = new AbortController();
  outgoing.once('close', () => outgoing.writableFinished || ac.abort());
  return ac.signal;
}
