// /mcp: the MCP tools over Streamable HTTP, with the same auth as /agent; the MCP SDK loads on the first call.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { Store } from '../../store/store.js';
import { authenticate, type AuthConfig } from '../auth/authenticate.js';
import { authorizeAdmin } from '../auth/principal.js';
import type { AppEnv } from '../env.js';

export interface McpRouteOptions {
  store: Store;
  auth: AuthConfig;
  maxBodyBytes: number;
  /** The whole app, called in-process for every API call a tool makes. */
  appFetch: (request: Request, env?: Partial<HttpBindings>) => Response | Promise<Response>;
}

/** Default agent name when a caller gives neither X-Agent-Name nor ?as=. */
export const DEFAULT_MCP_SENDER = 'mcp';

export function mcpRoutes({ store, auth, maxBodyBytes, appFetch }: McpRouteOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/mcp', authenticate(store, auth));
  app.all('/mcp', async (c) => {
    // With auth on, a call without a key is refused here (401), before any MCP handshake.
    if (c.get('principal').kind === 'anonymous') authorizeAdmin(c, 'Using /mcp');
    const { handleMcpRequest } = await import('../../mcp/http.js');
    const room = c.req.header('x-room-id') ?? c.req.query('room');
    // Only the caller's socket goes along, so rate limits and stream caps count the same client; not its request
    // stream (the tool call's own body is read from the web Request) nor its answer.
    const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
    const env = socket ? ({ incoming: { socket } } as Partial<HttpBindings>) : undefined;
    return handleMcpRequest(c.req.raw, {
      appFetch: (request) => appFetch(request, env),
      maxBodyBytes,
      sender: c.req.header('x-agent-name') ?? c.req.query('as') ?? DEFAULT_MCP_SENDER,
      ...(room && { room }),
    });
  });
  return app;
}
