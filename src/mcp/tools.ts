// The MCP tools: few and sharp (rooms, send, read, wait, search), each one call of the typed client.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { MAX_WAIT_SECONDS, ROOMS_MAX_LIMIT } from '../api/limits.js';
import { ApiError, ServerUnreachableError } from '../client/errors.js';
import type { McpContext } from './server.js';

/** Default and longest `wait` of the wait tool, in seconds: many MCP clients give up on a call after 60 s. */
export const WAIT_DEFAULT_SECONDS = 50;
export const WAIT_MAX_SECONDS = 600;
/** Default page size of read: an agent's context is precious; it asks for more when it needs it. */
export const READ_DEFAULT_LIMIT = 20;
/** Default page of list_rooms: enough to find a room by name on most servers, small for an agent's context. */
export const LIST_ROOMS_LIMIT = 50;
/** How often a long wait reports progress, which keeps clients that reset their timeout on progress waiting. */
const PROGRESS_EVERY_MS = 10_000;

export function registerTools(server: McpServer, ctx: McpContext): void {
  const room = z.string().optional().describe(ctx.room ? `Room id (default ${ctx.room})` : 'Room id');
  const roomOf = (given: string | undefined): string => {
    const id = given ?? ctx.room;
    if (!id) throw new ToolError('Give room: an id from list_rooms or create_room.');
    return id;
  };

  server.registerTool(
    'list_rooms',
    {
      description: `List rooms, newest activity first, ${LIST_ROOMS_LIMIT} at a time unless limit says otherwise. Returns {rooms, next}; pass next as after for more (null: no more).`,
      inputSchema: { limit: z.number().int().min(1).max(ROOMS_MAX_LIMIT).optional(), after: z.string().optional() },
      annotations: { readOnlyHint: true },
    },
    ({ limit, after }) =>
      run(async () => {
        const page = await ctx.client.listRoomPage({ limit: limit ?? LIST_ROOMS_LIMIT, ...(after !== undefined && { after }) });
        return { rooms: page.rooms.map(({ id, name, messageCount, lastSeq, lastActivityAt }) => ({ id, name, messageCount, lastSeq, lastActivityAt })), next: page.next };
      }),
  );

  server.registerTool(
    'create_room',
    { description: "Create a room; returns its id and keys (shown once: share the write key with agents who need it).", inputSchema: { name: z.string() } },
    ({ name }) => run(() => ctx.client.createRoom(name)),
  );

  server.registerTool(
    'send',
    {
      description: `Post a message as ${ctx.sender}. To hand off work, set to (who should act) and type (task, result, question...), then wait from them. replyTo: the id of the message you answer.`,
      inputSchema: {
        room,
        content: z.string(),
        to: z.array(z.string()).optional(),
        replyTo: z.string().optional(),
        type: z.string().optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      },
    },
    ({ room: r, ...input }) =>
      run(async () => {
        const { id, seq } = await ctx.client.send(roomOf(r), { sender: ctx.sender, ...input });
        return { id, seq };
      }),
  );

  server.registerTool(
    'read',
    {
      description: `Read messages, oldest first: the newest limit (default ${READ_DEFAULT_LIMIT}), or those past after. Returns {messages, cursor}; pass cursor as after next time to miss nothing. inbox: only your unread ones (to you, @you or all); ack: mark your inbox read through this cursor first.`,
      inputSchema: {
        room,
        after: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).optional(),
        inbox: z.boolean().optional(),
        ack: z.number().int().min(0).optional(),
      },
    },
    ({ room: r, after, limit, inbox, ack }) =>
      run(async () => {
        const id = roomOf(r);
        if (inbox || ack !== undefined) {
          if (ack !== undefined) await ctx.client.ackInbox(id, ack, ctx.sender);
          const box = await ctx.client.inbox(id, { as: ctx.sender, limit: limit ?? READ_DEFAULT_LIMIT, ...(after !== undefined && { after }) });
          return { messages: box.messages, cursor: box.through };
        }
        const messages = await ctx.client.history(id, { limit: limit ?? READ_DEFAULT_LIMIT, ...(after !== undefined && { after }) });
        return { messages, cursor: messages.at(-1)?.seq ?? after ?? 0 };
      }),
  );

  server.registerTool(
    'wait',
    {
      description: `Block until a new message arrives (past after, default now; only from/to a name if given; inbox: until your inbox has one) or timeout seconds pass (default ${WAIT_DEFAULT_SECONDS}, max ${WAIT_MAX_SECONDS}). Returns {messages, cursor}; none means timed out: call again with after=cursor. Use this, not polling.`,
      inputSchema: {
        room,
        after: z.number().int().min(0).optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        inbox: z.boolean().optional(),
        timeout: z.number().min(0).max(WAIT_MAX_SECONDS).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    ({ room: r, timeout, inbox, ...filters }, extra) =>
      run(async () => {
        const token = extra._meta?.progressToken;
        let ticks = 0;
        const progress =
          token === undefined
            ? undefined
            : setInterval(() => {
                void extra
                  .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: ++ticks, message: 'waiting' } })
                  .catch(() => {});
              }, PROGRESS_EVERY_MS);
        const timeoutMs = (timeout ?? WAIT_DEFAULT_SECONDS) * 1000;
        try {
          if (inbox) return await waitInbox(ctx, roomOf(r), filters.after, timeoutMs, extra.signal);
          return await ctx.client.waitForMessages(roomOf(r), { ...definedOnly(filters), as: ctx.sender, timeoutMs, signal: extra.signal });
        } finally {
          clearInterval(progress);
        }
      }),
  );

  server.registerTool(
    'search',
    {
      description: 'Find messages by text q and/or sender: the newest limit matches, oldest first.',
      inputSchema: { room, q: z.string().optional(), sender: z.string().optional(), limit: z.number().int().min(1).optional() },
      annotations: { readOnlyHint: true },
    },
    ({ room: r, ...query }) => run(async () => ({ messages: await ctx.client.search(roomOf(r), definedOnly(query)) })),
  );
}

/** Long-polls the agent's inbox (server waits of at most MAX_WAIT_SECONDS each) until it holds a message or time is up. */
async function waitInbox(ctx: McpContext, roomId: string, after: number | undefined, timeoutMs: number, signal: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  for (let from = after; ; ) {
    const wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, (deadline - Date.now()) / 1000));
    const box = await ctx.client.inbox(roomId, { as: ctx.sender, wait, signal, ...(from !== undefined && { after: from }) });
    if (box.messages.length > 0 || Date.now() >= deadline || signal.aborted) return { messages: box.messages, cursor: box.through };
    from = box.through;
  }
}

/** A mistake in the call itself, explained to the agent as a tool error. */
class ToolError extends Error {}

/** Runs a tool body: its value as compact JSON text, or the server's own error message as a tool error. */
async function run(body: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await body()) }] };
  } catch (err) {
    if (err instanceof ApiError) return failed(`${err.code} (HTTP ${err.status}): ${err.message}`);
    if (err instanceof ToolError || err instanceof ServerUnreachableError) return failed(err.message);
    throw err;
  }
}

const failed = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

function definedOnly<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
