// A2A routes: the Agent Card at both well-known paths, and the JSON-RPC endpoint under /agent (so behind its auth).
import { Hono } from 'hono';
import type { ServerDeps } from '../context.js';
import { hangUp, type AppEnv } from '../env.js';
import { callerClient, type AppFetch } from '../in-process-client.js';
import { readRpcBody } from '../request.js';
import { A2A_RPC_PATH, AGENT_CARD_PATHS, agentCard } from '../../a2a/card.js';
import { SentIds } from '../../a2a/sent-ids.js';
import type { SendOnce } from '../../store/fleet-contract.js';

export interface A2AOptions {
  /** Whether the server needs keys (the card then declares Bearer auth). */
  auth: boolean;
  /** The whole app, called in-process for every room operation. */
  appFetch: AppFetch;
  /** How retried sends are recognised (default: this server's memory; a fleet shares them in Redis). */
  sent?: SendOnce;
}


export function a2aRoutes({ store, maxBodyBytes, heartbeatMs }: ServerDeps, options: A2AOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sent = options.sent ?? new SentIds((roomId, forget) => store.onDelete(roomId, forget));

  for (const path of AGENT_CARD_PATHS) {
    app.get(path, (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      c.header('Vary', 'A2A-Version');
      return c.json(agentCard(new URL(c.req.url).origin, { auth: options.auth, version: c.req.header('a2a-version') }));
    });
  }

  app.post(A2A_RPC_PATH, async (c) => {
    const read = await readRpcBody(c, maxBodyBytes);
    if ('refusal' in read) return read.refusal;
    const body = read.body;
    const { handleRpc } = await import('../../a2a/rpc.js'); // the SDK loads on the first call, not at every start
    const principal = c.get('principal');
    return handleRpc({
      body,
      version: c.req.header('a2a-version'),
      client: callerClient(c, options.appFetch),
      ...(principal.kind === 'room' && principal.agent !== undefined && { agent: principal.agent }),
      origin: new URL(c.req.url).origin,
      auth: options.auth,
      sent,
      heartbeatMs,
      hangUp: hangUp(c),
      onRedact: (roomId, listener) => store.onRedact(roomId, listener),
    });
  });

  return app;
}
