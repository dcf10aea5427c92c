// /mcp: the MCP tools over Streamable HTTP, with the same auth as /agent; the MCP SDK loads on the first call.
import { Hono } from 'hono';
import { authorizeAdmin } from '../auth/principal.js';
import type { AppEnv } from '../env.js';
import { callerClient, type AppFetch } from '../in-process-client.js';
import { readRpcBody } from '../request.js';

export interface McpRouteOptions {
  maxBodyBytes: number;
  /** The whole app, called in-process for every API call a tool makes. */
  appFetch: AppFetch;
}

/** Default agent name when a caller gives neither X-Agent-Name nor ?as=. */
export const DEFAULT_MCP_SENDER = 'mcp';

export function mcpRoutes({ maxBodyBytes, appFetch }: McpRouteOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.all('/mcp', async (c) => {
    // The front door checked the key like any API call's; with auth on, none at all is refused here (401), before
    // any MCP handshake.
    if (c.get('principal').kind === 'anonymous') authorizeAdmin(c, 'Using /mcp');
    const { handleMcpRequest } = await import('../../mcp/http.js');
    const room = c.req.header('x-room-id') ?? c.req.query('room');
    // Read here, so a body nested too deep for the SDK is refused like any API call's.
    let parsedBody: unknown;
    if (c.req.method === 'POST') {
      const read = await readRpcBody(c, maxBodyBytes);
      if ('refusal' in read) return read.refusal;
      parsedBody = read.body;
    }
    return handleMcpRequest(c.req.raw, {
      ...(parsedBody !== undefined && { parsedBody }),
      client: callerClient(c, appFetch),
      maxBodyBytes,
      sender: c.req.header('x-agent-name') ?? c.req.query('as') ?? DEFAULT_MCP_SENDER,
      ...(room && { room }),
    });
  });
  return app;
}
