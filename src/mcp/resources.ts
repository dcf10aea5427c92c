// Each room as an MCP resource, room://ID: listed from the rooms the key can see, read as the room and its newest messages.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpContext } from './server.js';

export const ROOM_URI_PREFIX = 'room://';
/** Messages a resource read returns: the newest of the room. */
const RESOURCE_MESSAGES = 100;
/** Rooms a resource list names: the most recently active (a server may hold 100,000). */
const RESOURCE_ROOMS = 1000;

export const roomUri = (id: string): string => `${ROOM_URI_PREFIX}${id}`;

/** The room id of a room:// URI, or undefined for any other URI. */
export function roomIdOf(uri: string): string | undefined {
  return uri.startsWith(ROOM_URI_PREFIX) ? decodeURIComponent(uri.slice(ROOM_URI_PREFIX.length)) || undefined : undefined;
}

export function registerRoomResources(server: McpServer, { client }: McpContext): void {
  server.registerResource(
    'room',
    new ResourceTemplate(`${ROOM_URI_PREFIX}{id}`, {
      list: async () => ({
        resources: (await client.listRooms({ limit: RESOURCE_ROOMS })).map((r) => ({
          uri: roomUri(r.id),
          name: r.name,
          description: `${r.messageCount} message${r.messageCount === 1 ? "" : "s"}, last activity ${r.lastActivityAt}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { description: `A room and its newest ${RESOURCE_MESSAGES} messages; subscribe to hear of new ones.`, mimeType: 'application/json' },
    async (uri, { id }) => {
      const roomId = String(id);
      const [room, messages] = await Promise.all([client.getRoom(roomId), client.history(roomId, { limit: RESOURCE_MESSAGES })]);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ room, messages }) }] };
    },
  );
}
