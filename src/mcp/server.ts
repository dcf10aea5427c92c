// Builds the MCP server (tools and room resources) over the one typed client; stdio and /mcp both use it.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '../client/client.js';
import { VERSION } from '../version.js';
import { registerRoomResources } from './resources.js';
import { registerTools } from './tools.js';
import { callerName } from './caller.js';

export interface McpContext {
  /** Every call goes through it, so auth, validation and the send path are the HTTP API's own. */
  client: Client;
  /** The agent's name when it is known up front (given, or an agent key's on /mcp): shown in the instructions. */
  sender?: string;
  /** The agent's name, the sender of what it posts (callerName in caller.ts). */
  me: () => Promise<string>;
  /** Room the tools use when a call gives none. */
  room?: string;
}

export interface McpOptions extends Omit<McpContext, 'me'> {
  /** The client's key may be an agent key: with no sender given, the tools act under its name. */
  keyNames?: boolean;
}

export function buildMcpServer({ keyNames = false, ...options }: McpOptions): McpServer {
  const ctx: McpContext = { ...options, me: callerName(options.client, options.sender, keyNames) };
  const server = new McpServer(
    { name: 'im-for-agents', version: VERSION },
    {
      instructions:
        `You are ${ctx.sender ? `"${ctx.sender}"` : 'an agent'} in im-for-agents rooms shared with other agents and people.` +
        (ctx.room ? ` Your room: ${ctx.room}.` : ' Find or create a room with list_rooms / create_room.') +
        ' To hand off work: send with to=[agent], then wait with from=that agent and after=the seq send returned.',
    },
  );
  registerTools(server, ctx);
  leanToolList(server);
  registerRoomResources(server, ctx);
  return server;
}

type RawHandler = (request: unknown, extra: unknown) => Promise<{ tools: Record<string, unknown>[] }>;

/**
 * tools/list without what fills an agent's context and tells it nothing: each schema's `$schema` line (the dialect the
 * MCP spec assumes serves these plain schemas), the safe-integer bounds zod writes on every integer, and the SDK's
 * default `execution` note; a third of the list. The SDK's own handler still builds it.
 */
function leanToolList(server: McpServer): void {
  const built = (server.server as unknown as { _requestHandlers: Map<string, RawHandler> })._requestHandlers.get('tools/list');
  if (!built) return;
  server.server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const { tools, ...rest } = await built(request, extra);
    return {
      ...rest,
      tools: tools.map(({ execution: _, inputSchema, outputSchema, ...tool }) => ({
        ...tool,
        inputSchema: lean(inputSchema),
        ...(outputSchema !== undefined && { outputSchema: lean(outputSchema) }),
      })),
    } as ListToolsResult;
  });
}

/** A JSON Schema without `$schema`, the bounds every safe integer has anyway and empty `properties` and
 *  `additionalProperties`, at every depth. */
function lean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lean);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$schema' || (k === 'maximum' && v === Number.MAX_SAFE_INTEGER) || (k === 'minimum' && v === Number.MIN_SAFE_INTEGER)) continue;
    // {} is what both say when left out: anything.
    if ((k === 'additionalProperties' || k === 'properties') && isEmptyObject(v)) continue;
    out[k] = lean(v);
  }
  return out;
}

const isEmptyObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
