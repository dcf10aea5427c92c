// /mcp: the MCP tools over Streamable HTTP, with the same auth as /agent; the MCP SDK loads on the first call.
import { Hono } from 'hono';
import { authorizeAdmin } from '../auth/principal.js';
import type { AppEnv } from '../env.js';
import { callerClient, type AppFetch } from '../in-process-client.js';
import { readRpcBody } from '../request.js';
import { nameFor } from '../caller-name.js';
import { DEFAULT_MCP_NAME } from '../../mcp/caller.js';

export interface McpRouteOptions {
  maxBodyBytes: number;
  /** The whole app, called in-process for every API call a tool makes. */
  appFetch: AppFetch;
}

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
      // An agent key names its holder (a different X-Agent-Name or ?as= is a 403 sender_mismatch); else "mcp".
      sender: nameFor(c.get('principal'), c.req.header('x-agent-name') ?? c.req.query('as')) ?? DEFAULT_MCP_NAME,
      ...(room && { room }),
    });
  });
  return app;
}
