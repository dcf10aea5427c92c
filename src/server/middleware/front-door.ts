// The app's first middleware: the gate's checks and headers for every request, and CORS preflights for the API.
import type { MiddlewareHandler } from 'hono';
import { type AppEnv, nodeOf } from '../env.js';
import { PREFLIGHT_HEADERS } from '../gate/cors.js';
import { factsOf, type Gate, type RequestFacts } from '../gate/gate.js';
import { passesGate } from '../../api/error-codes.js';

export function frontDoor(gate: Gate): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { incoming, outgoing } = nodeOf(c);
    const facts: RequestFacts = incoming
      ? factsOf(incoming.headers, incoming.socket?.remoteAddress, incoming.socket)
      : factsOf(Object.fromEntries(c.req.raw.headers), c.env?.remoteAddress);
    const { requestId, headers } = gate.open(facts);
    c.set('requestId', requestId);
    // On Node the headers go straight onto the socket's answer, which merges them into whatever the route sends (SSE
    // streams included); a header set through Hono would turn every answer into a web Headers object to convert back.
    for (const [k, v] of Object.entries(headers)) {
      if (outgoing) outgoing.setHeader(k, v);
      else c.header(k, v);
    }
    // /mcp is the API too (its tools call /agent in-process): the same key, rate limit and CORS.
    if (!passesGate(c.req.path)) {
      gate.guard(facts);
      return next();
    }
    if (c.req.method === 'OPTIONS' && facts.origin !== undefined && gate.corsOrigins.includes(facts.origin)) {
      gate.guard(facts);
      return c.body(null, 204, PREFLIGHT_HEADERS);
    }
    const { principal, clientId } = await gate.pass(facts);
    c.set('principal', principal);
    c.set('clientId', clientId);
    return next();
  };
}
