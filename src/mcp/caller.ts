// Who the MCP tools act as: the name given, else the agent key's own name, else "mcp".
import { ApiError } from '../client/errors.js';
import type { Client } from '../client/client.js';

/** The name the tools act under when nothing names the caller. */
export const DEFAULT_MCP_NAME = 'mcp';

/**
 * The caller's name, looked up once, on first use: the one given (--as, IM_SENDER, X-Agent-Name, ?as=), else the
 * agent key's (a room key lists its own room, and that room's inbox answers with the name the key holds), else "mcp".
 * Without this, a stdio server with an agent key and no --as sent as "mcp" and every call was refused (403
 * sender_mismatch).
 */
export function callerName(client: Client, given: string | undefined, hasKey: boolean): () => Promise<string> {
  let known: Promise<string> | undefined = given === undefined ? undefined : Promise.resolve(given);
  const lookUp = () =>
    (hasKey ? keyName(client) : Promise.resolve(DEFAULT_MCP_NAME)).catch((err: unknown) => {
      known = undefined;
      throw err;
    });
  return () => (known ??= lookUp());
}

async function keyName(client: Client): Promise<string> {
  try {
    const { rooms } = await client.listRoomPage({ limit: 2 });
    if (rooms.length !== 1) return DEFAULT_MCP_NAME;
    return (await client.inbox(rooms[0]!.id, { limit: 1 })).name;
  } catch (err) {
    // A room key that names nobody (400), or no server yet: the plain default, looked up again next time.
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    return DEFAULT_MCP_NAME;
  }
}
