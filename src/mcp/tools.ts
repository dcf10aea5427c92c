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

/** What read, wait and search answer: messages oldest first, and where to go on from. Output schemas are loose: a
 *  client that checks structuredContent against them must not fail on a field added later. */
const messagesOut = z.looseObject({ messages: z.array(z.looseObject({})), cursor: z.number().optional() });

export function registerTools(server: McpServer, ctx: McpContext): void {
  const room = z.string().optional().describe(ctx.room ? `Room id; default ${ctx.room}` : 'Room id from list_rooms or create_room');
  const roomOf = (given: string | undefined): string => {
    const id = given ?? ctx.room;
    if (!id) throw new ToolError('Give room: an id from list_rooms or create_room.');
    return id;
  };
  const after = z.number().int().min(0).optional().describe('Only past this seq (a cursor or sent seq)');
  const name = (what: string) => z.string().optional().describe(what);

  server.registerTool(
    'list_rooms',
    {
      description: `List rooms, newest activity first.`,
      inputSchema: {
        limit: z.number().int().min(1).max(ROOMS_MAX_LIMIT).optional().describe(`Default ${LIST_ROOMS_LIMIT}`),
        after: z.string().optional().describe('next of the last page'),
      },
      outputSchema: z.looseObject({ rooms: z.array(z.looseObject({})), next: z.string().nullable() }),
      annotations: { readOnlyHint: true },
    },
    ({ limit, after: from }) =>
      run(async () => {
        const page = await ctx.client.listRoomPage({ limit: limit ?? LIST_ROOMS_LIMIT, ...(from !== undefined && { after: from }) });
        return { rooms: page.rooms.map(({ id, name, messageCount, lastSeq, lastActivityAt }) => ({ id, name, messageCount, lastSeq, lastActivityAt })), next: page.next };
      }),
  );

  server.registerTool(
    'create_room',
    {
      description: 'Create a room; returns its id and keys (shown once).',
      inputSchema: { name: z.string().describe('Room name, for people') },
      outputSchema: z.looseObject({ id: z.string(), keys: z.looseObject({}) }),
    },
    ({ name: roomName }) => run(() => ctx.client.createRoom(roomName)),
  );

  server.registerTool(
    'send',
    {
      description: 'Post as you. To hand off: to=[agent], then wait with from=agent, after=the seq returned.',
      inputSchema: {
        room,
        content: z.string().describe('Message text; @name mentions an agent'),
        to: z.array(z.string()).optional().describe('Agents who should act on it'),
        replyTo: name('id of the message answered'),
        type: name('Kind, e.g. task, result, question'),
        metadata: name('JSON object as a string, e.g. {"priority":1}'),
      },
      outputSchema: z.looseObject({ id: z.string(), seq: z.number() }),
    },
    ({ room: r, metadata, ...input }) =>
      run(async () => {
        const { id, seq } = await ctx.client.send(roomOf(r), { sender: await ctx.me(), ...definedOnly(input), ...(metadata !== undefined && { metadata: jsonObject(metadata) }) });
        return { id, seq };
      }),
  );

  server.registerTool(
    'read',
    {
      description: `Read messages, oldest first. Pass cursor as after next time.`,
      inputSchema: {
        room,
        after,
        limit: z.number().int().min(1).optional().describe(`Default ${READ_DEFAULT_LIMIT} (the newest, without after)`),
        inbox: z.boolean().optional().describe('Only your unread: to you, @you or all'),
        ack: z.number().int().min(0).optional().describe('First mark your inbox read to this seq'),
      },
      outputSchema: messagesOut,
      annotations: { readOnlyHint: true },
    },
    ({ room: r, after: from, limit, inbox, ack }) =>
      run(async () => {
        const id = roomOf(r);
        if (inbox || ack !== undefined) {
          const me = await ctx.me();
          if (ack !== undefined) await ctx.client.ackInbox(id, ack, me);
          const box = await ctx.client.inbox(id, { as: me, limit: limit ?? READ_DEFAULT_LIMIT, ...(from !== undefined && { after: from }) });
          return { messages: box.messages, cursor: box.through };
        }
        const messages = await ctx.client.history(id, { limit: limit ?? READ_DEFAULT_LIMIT, ...(from !== undefined && { after: from }) });
        return { messages, cursor: messages.at(-1)?.seq ?? from ?? 0 };
      }),
  );

  server.registerTool(
    'wait',
    {
      description: 'Block until a matching message arrives (use this, not polling); without after, from after your own latest message. None: timed out; call again with after=cursor.',
      inputSchema: {
        room,
        after,
        from: name('Only from this sender'),
        to: name('Only to or @mentioning this name'),
        type: name('Only of this type'),
        inbox: z.boolean().optional().describe('Until your inbox has one'),
        timeout: z.number().min(0).max(WAIT_MAX_SECONDS).optional().describe(`Seconds; default ${WAIT_DEFAULT_SECONDS}`),
      },
      outputSchema: messagesOut,
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
          const me = await ctx.me();
          if (inbox) return await waitInbox(ctx, me, roomOf(r), filters.after, timeoutMs, extra.signal);
          return await ctx.client.waitForMessages(roomOf(r), { ...definedOnly(filters), as: me, timeoutMs, signal: extra.signal });
        } finally {
          clearInterval(progress);
        }
      }),
  );

  server.registerTool(
    'search',
    {
      description: 'Find the newest messages by text and/or sender, oldest first.',
      inputSchema: {
        room,
        q: name('Text to find'),
        sender: name('Only from this sender'),
        limit: z.number().int().min(1).optional().describe('Default 100'),
      },
      outputSchema: messagesOut.pick({ messages: true }),
      annotations: { readOnlyHint: true },
    },
    ({ room: r, ...query }) => run(async () => ({ messages: await ctx.client.search(roomOf(r), definedOnly(query)) })),
  );
}

/** The metadata argument: a JSON object written as a string (an open object has no schema in OpenAI's strict mode). */
function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ToolError(`metadata must be a JSON object written as a string, such as {"priority":1} (got ${text.slice(0, 80)}).`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ToolError('metadata must be a JSON object, such as {"priority":1}.');
  return value as Record<string, unknown>;
}

/** Long-polls the agent's inbox (server waits of at most MAX_WAIT_SECONDS each) until it holds a message or time is up. */
async function waitInbox(ctx: McpContext, me: string, roomId: string, after: number | undefined, timeoutMs: number, signal: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  for (let from = after; ; ) {
    const wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, (deadline - Date.now()) / 1000));
    const box = await ctx.client.inbox(roomId, { as: me, wait, signal, ...(from !== undefined && { after: from }) });
    if (box.messages.length > 0 || Date.now() >= deadline || signal.aborted) return { messages: box.messages, cursor: box.through };
    from = box.through;
  }
}

/** A mistake in the call itself, explained to the agent as a tool error. */
class ToolError extends Error {}

/** Runs a tool body: its value as structuredContent and as compact JSON text (for clients that read only text), or the
 *  server's own error message as a tool error. */
async function run(body: () => Promise<object>): Promise<CallToolResult> {
  try {
    const value = await body();
    return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value as Record<string, unknown> };
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
