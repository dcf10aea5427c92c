// resources/subscribe for room:// resources: one live stream per subscribed room, each message a resources/updated.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ErrorCode, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '../client/client.js';
import { roomIdOf } from './resources.js';

/** Turns subscriptions on for a server that lives as long as its connection (stdio); returns a stop for all of them. */
export function enableSubscriptions(server: McpServer, client: Client, onError: (message: string) => void): () => void {
  const live = new Map<string, AbortController>();
  server.server.registerCapabilities({ resources: { subscribe: true } });

  server.server.setRequestHandler(SubscribeRequestSchema, async ({ params: { uri } }) => {
    const roomId = roomIdOf(uri);
    if (!roomId) throw new McpError(ErrorCode.InvalidParams, `Only room://ID resources can be subscribed to (got ${uri}).`);
    if (live.has(uri)) return {};
    // Checked now, so a wrong id or key fails the subscribe call instead of failing silently later.
    const room = await client.getRoom(roomId).catch((err: Error) => {
      throw new McpError(ErrorCode.InvalidParams, err.message);
    });
    const ac = new AbortController();
    live.set(uri, ac);
    void (async () => {
      try {
        for await (const _ of client.stream(roomId, { after: room.lastSeq, signal: ac.signal })) {
          await server.server.sendResourceUpdated({ uri });
        }
      } catch (err) {
        if (!ac.signal.aborted) onError(`subscription to ${uri} ended: ${(err as Error).message}`);
      } finally {
        if (live.get(uri) === ac) live.delete(uri);
      }
    })();
    return {};
  });

  server.server.setRequestHandler(UnsubscribeRequestSchema, ({ params: { uri } }) => {
    live.get(uri)?.abort();
    live.delete(uri);
    return {};
  });

  return () => {
    for (const ac of live.values()) ac.abort();
    live.clear();
  };
}
