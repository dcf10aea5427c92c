// Builds the MCP server (tools and room resources) over the one typed client; stdio and /mcp both use it.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Client } from '../client/client.js';
import { VERSION } from '../version.js';
import { registerRoomResources } from './resources.js';
import { registerTools } from './tools.js';

export interface McpContext {
  /** Every call goes through it, so auth, validation and the send path are the HTTP API's own. */
  client: Client;
  /** The agent's name: the sender of what it posts. */
  sender: string;
  /** Room the tools use when a call gives none. */
  room?: string;
}

export function buildMcpServer(ctx: McpContext): McpServer {
  const server = new McpServer(
    { name: 'im-for-agents', version: VERSION },
    {
      instructions:
        `You are "${ctx.sender}" in im-for-agents rooms shared with other agents and people.` +
        (ctx.room ? ` Your room: ${ctx.room}.` : ' Find or create a room with list_rooms / create_room.') +
        ' To hand off work: send with to=[agent], then wait with from=that agent.',
    },
  );
  registerTools(server, ctx);
  registerRoomResources(server, ctx);
  return server;
}
