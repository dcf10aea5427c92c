// Every route the server serves, described once: the OpenAPI document and /llms.txt are generated from it.
import { z } from 'zod';
import type { ErrorCode } from './error-codes.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS, ROOMS_DEFAULT_LIMIT, ROOMS_MAX_LIMIT } from './limits.js';
import {
  createdRoomSchema,
  healthSchema,
  historySchema,
  messageSchema,
  roomListSchema,
  roomSchema,
  webhookListSchema,
  agentListSchema,
  createdAgentSchema,
  rotatedKeysSchema,
  webhookSchema,
  createdWebhookSchema,
} from './response-schemas.js';
import { createAgentSchema, createRoomSchema, messageBatchSchema, messageInputSchema, patchRoomSchema } from './schemas.js';
import { inboxAckSchema, inboxCursorSchema, inboxSchema } from './inbox.js';
import { presenceSchema } from './presence.js';
import { webhookInputSchema } from './webhook-schema.js';

/** Groups of routes, as /llms.txt presents them. */
export type RouteFamily = 'rooms' | 'messages' | 'history' | 'stream' | 'search' | 'export' | 'webhooks' | 'agents' | 'presence' | 'inbox' | 'health' | 'mcp' | 'a2a' | 'docs';

export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The name generated clients give the call: a verb and a noun, as a person would write it. */
  operationId: string;
  /** Hono's form: /agent/rooms/:id */
  path: string;
  family: RouteFamily;
  summary: string;
  /** Query parameters, each a zod schema with a description. */
  query?: Record<string, z.ZodType>;
  body?: z.ZodType;
  /** The success answer: a JSON schema, or another content type with a description. */
  ok: { status: 200 | 201; schema: z.ZodType } | { status: 200 | 204; description: string } | { status: 200; contentType: string | readonly string[]; description: string };
  /** Needs a key when auth is on. */
  auth: boolean;
  /** Error codes of this route besides those its path, key and body bring (src/api/error-codes.ts). */
  errors?: readonly ErrorCode[];
  /** A JSON-RPC endpoint for protocol clients (MCP, A2A): marked so generators of REST clients leave it out. Its
   *  body errors (400, 413, 415) are JSON-RPC error objects. */
  jsonRpc?: true;
  /** Statuses the protocol's own transport answers (MCP's SDK): 202 with no body, the others a JSON-RPC error. */
  transportAnswers?: Partial<Record<202 | 400 | 406 | 415, string>>;
}

const limit = z.number().int().min(1).max(HISTORY_MAX_LIMIT).describe(`at most this many (default ${HISTORY_DEFAULT_LIMIT})`);
const after = z.number().int().min(0).describe('only messages with a larger seq');
const as = z.string().describe("who is asking, by the name it posts under (an agent key names its holder; a different as is 403)");

export const ROUTES: readonly RouteDoc[] = [
  { method: 'get', operationId: 'getHealth', path: '/agent/health', family: 'health', summary: 'Health and version; never needs a key', ok: { status: 200, schema: healthSchema }, auth: false },
  { method: 'post', operationId: 'createRoom', path: '/agent/rooms', family: 'rooms', summary: 'Create a room (returns its keys once)', body: createRoomSchema, ok: { status: 201, schema: createdRoomSchema }, errors: ['invalid_room', 'limit'], auth: true },
  { method: 'post', operationId: 'createDemoRoom', path: '/agent/demo/room', family: 'rooms', summary: "Create a room (the hosted service's path)", body: createRoomSchema, ok: { status: 201, schema: createdRoomSchema }, errors: ['invalid_room', 'limit'], auth: true },
  {
    method: 'get',
    operationId: 'listRooms',
    path: '/agent/rooms',
    family: 'rooms',
    summary: 'List rooms, newest activity first, a page at a time: pass the answer\'s `next` as `after` until it is null',
    query: {
      limit: z.number().int().min(1).max(ROOMS_MAX_LIMIT).describe(`at most this many rooms (default ${ROOMS_DEFAULT_LIMIT})`),
      after: z.string().describe('the `next` of the previous page'),
    },
    ok: { status: 200, schema: roomListSchema },
    errors: ['invalid_query'],
    auth: true,
  },
  { method: 'get', operationId: 'getRoom', path: '/agent/rooms/:id', family: 'rooms', summary: 'Show one room', ok: { status: 200, schema: roomSchema }, auth: true },
  { method: 'patch', operationId: 'updateRoom', path: '/agent/rooms/:id', family: 'rooms', summary: 'Rename a room, set its topic or settings (agentKeysOnly, loopGuard; null turns one off); write key or admin', body: patchRoomSchema, ok: { status: 200, schema: roomSchema }, errors: ['invalid_room', 'read_only_key'], auth: true },
  { method: 'delete', operationId: 'deleteRoom', path: '/agent/rooms/:id', family: 'rooms', summary: 'Delete a room, its messages and files; its streams get a final `deleted` event', ok: { status: 204, description: 'deleted' }, errors: ['read_only_key'], auth: true },
  { method: 'post', operationId: 'rotateRoomKeys', path: '/agent/rooms/:id/keys', family: 'rooms', summary: "Rotate the room's write and read keys: the new ones are shown once, the old ones refused at once", ok: { status: 201, schema: rotatedKeysSchema }, errors: ['read_only_key'], auth: true },
  { method: 'post', operationId: 'createAgent', path: '/agent/rooms/:id/agents', family: 'agents', summary: 'Add a named agent: its key (shown once) posts as that name only, and its messages say verified: true', body: createAgentSchema, ok: { status: 201, schema: createdAgentSchema }, errors: ['invalid_agent', 'conflict', 'read_only_key'], auth: true },
  { method: 'get', operationId: 'listAgents', path: '/agent/rooms/:id/agents', family: 'agents', summary: "List the room's agents (never their keys)", ok: { status: 200, schema: agentListSchema }, auth: true },
  { method: 'delete', operationId: 'revokeAgent', path: '/agent/rooms/:id/agents/:name', family: 'agents', summary: "Revoke an agent's key at once", ok: { status: 204, description: 'revoked' }, errors: ['agent_not_found', 'read_only_key'], auth: true },
  {
    method: 'post',
    operationId: 'postMessage',
    path: '/agent/rooms/:id/messages',
    family: 'messages',
    summary: 'Post a message, or a JSON array of up to 1,000 (all stored or none)',
    body: z.union([messageInputSchema, messageBatchSchema]),
    ok: { status: 201, schema: z.union([messageSchema, historySchema]) },
    errors: ['invalid_message', 'read_only_key', 'agent_key_required', 'sender_mismatch', 'loop_guard'],
    auth: true,
  },
  {
    method: 'delete',
    operationId: 'redactMessage',
    path: '/agent/rooms/:id/messages/:seq',
    family: 'messages',
    summary: 'Redact a message: its content becomes "[redacted]" in the log (seq, sender and times kept, metadata dropped); streams get a `redacted` event. Write key or admin; an agent key only its own',
    ok: { status: 200, schema: messageSchema },
    errors: ['invalid_seq', 'message_not_found', 'read_only_key'],
    auth: true,
  },
  {
    method: 'get',
    operationId: 'readHistory',
    path: '/agent/rooms/:id/history',
    family: 'history',
    summary: 'Read messages oldest first: the newest `limit`, or those past `after`; with `wait`, long-poll for the next; with `thread`, one message and its replies',
    query: {
      after,
      limit,
      thread: z.string().describe('a message id: that message and every reply to it (replyTo), directly or through other replies'),
      as: as.describe('with wait: listening as this name (presence); with no after, the wait starts after its own latest message'),
      from: z.string().describe('the sender to wait for: only its messages answer (the name it posts under)'),
      to: z.string().describe('only messages addressed to this name or @mentioning it'),
      type: z.string().describe('only messages of this type'),
      wait: z.number().min(0).max(MAX_WAIT_SECONDS).describe(`seconds to wait for a matching message past after, at most ${MAX_WAIT_SECONDS}`),
    },
    ok: { status: 200, schema: historySchema },
    errors: ['invalid_query', 'message_not_found', 'sender_mismatch', 'too_many_streams'],
    auth: true,
  },
  {
    method: 'get',
    operationId: 'streamRoom',
    path: '/agent/rooms/:id/stream',
    family: 'stream',
    summary: 'Server-Sent Events: one `message` event per message (id = seq); resume with Last-Event-ID',
    query: { after: after.describe('start past this seq (default: from now)'), as: as.describe('listening as this name (presence)') },
    ok: { status: 200, contentType: 'text/event-stream', description: 'event: message, id: seq, data: the message as JSON' },
    errors: ['invalid_query', 'invalid_last_event_id', 'sender_mismatch', 'too_many_streams'],
    auth: true,
  },
  {
    method: 'get',
    operationId: 'searchMessages',
    path: '/agent/rooms/:id/search',
    family: 'search',
    summary: 'Case-insensitive search over content, sender and type: the newest matches, oldest first',
    query: { q: z.string().describe('text to find'), sender: z.string().describe('only this sender'), to: z.string().describe('only messages to this name or @mentioning it'), limit },
    ok: { status: 200, schema: historySchema },
    errors: ['invalid_query'],
    auth: true,
  },
  {
    method: 'get',
    operationId: 'getPresence',
    path: '/agent/rooms/:id/presence',
    family: 'presence',
    summary: 'Who listens on the room now (an open stream or waiting long-poll named by ?as= or an agent key), and when each name was last seen and last posted',
    ok: { status: 200, schema: presenceSchema },
    auth: true,
  },
  {
    method: 'get',
    operationId: 'readInbox',
    path: '/agent/rooms/:id/inbox',
    family: 'inbox',
    summary: "NAME's unread messages, oldest first: past its read cursor, to it, @mentioning it or to everyone (not its own); reading does not move the cursor",
    query: {
      as,
      after: after.describe('read on past this seq (default: the cursor)'),
      limit,
      wait: z.number().min(0).max(MAX_WAIT_SECONDS).describe(`seconds to wait while the inbox is empty, at most ${MAX_WAIT_SECONDS}`),
    },
    ok: { status: 200, schema: inboxSchema },
    errors: ['invalid_query', 'sender_mismatch', 'too_many_streams'],
    auth: true,
  },
  {
    method: 'post',
    operationId: 'ackInbox',
    path: '/agent/rooms/:id/inbox/ack',
    family: 'inbox',
    summary: "Move NAME's read cursor forward to seq (never back; at most the room's newest seq)",
    body: inboxAckSchema,
    ok: { status: 200, schema: inboxCursorSchema },
    errors: ['invalid_ack', 'sender_mismatch', 'limit'],
    auth: true,
  },
  {
    method: 'get',
    operationId: 'exportRoom',
    path: '/agent/rooms/:id/export',
    family: 'export',
    summary: 'The whole room as a download',
    query: { format: z.enum(['jsonl', 'markdown']).describe('default jsonl') },
    ok: { status: 200, contentType: ['application/x-ndjson', 'text/markdown'], description: 'one message per line (text/markdown with format=markdown)' },
    errors: ['invalid_query'],
    auth: true,
  },
  {
    method: 'post',
    operationId: 'createWebhook',
    path: '/agent/rooms/:id/webhooks',
    family: 'webhooks',
    summary: 'Add a webhook: each new message (optionally only to/from/of a type) is POSTed to url, signed (Standard Webhooks)',
    body: webhookInputSchema,
    ok: { status: 201, schema: createdWebhookSchema },
    errors: ['invalid_webhook', 'webhook_url_refused', 'limit', 'read_only_key'],
    auth: true,
  },
  { method: 'get', operationId: 'listWebhooks', path: '/agent/rooms/:id/webhooks', family: 'webhooks', summary: "List the room's webhooks", ok: { status: 200, schema: webhookListSchema }, auth: true },
  { method: 'get', operationId: 'getWebhook', path: '/agent/rooms/:id/webhooks/:hookId', family: 'webhooks', summary: 'Show one webhook and its delivery state', ok: { status: 200, schema: webhookSchema }, errors: ['webhook_not_found'], auth: true },
  { method: 'delete', operationId: 'deleteWebhook', path: '/agent/rooms/:id/webhooks/:hookId', family: 'webhooks', summary: 'Remove a webhook', ok: { status: 200, schema: webhookSchema }, errors: ['webhook_not_found', 'read_only_key'], auth: true },
  { method: 'post', operationId: 'resumeWebhook', path: '/agent/rooms/:id/webhooks/:hookId/resume', family: 'webhooks', summary: 'Resume a webhook paused after repeated failures', ok: { status: 200, schema: webhookSchema }, errors: ['webhook_not_found', 'read_only_key'], auth: true },
  {
    method: 'post',
    operationId: 'callMcp',
    path: '/mcp',
    family: 'mcp',
    summary: 'MCP over Streamable HTTP (stateless); name the agent with X-Agent-Name or ?as=, a default room with X-Room-Id or ?room=',
    body: z.record(z.string(), z.unknown()).describe('a JSON-RPC message'),
    ok: { status: 200, contentType: 'text/event-stream', description: 'the JSON-RPC answer as Server-Sent Events' },
    errors: ['sender_mismatch'],
    jsonRpc: true,
    transportAnswers: {
      202: 'a notification or a response was accepted; nothing to answer',
      400: 'not a JSON-RPC message',
      406: 'Accept must list both application/json and text/event-stream',
    },
    auth: true,
  },
  {
    method: 'get',
    operationId: 'openMcpStream',
    path: '/mcp',
    family: 'mcp',
    summary: "MCP Streamable HTTP's stream for messages the server starts (stateless here: it sends none)",
    ok: { status: 200, contentType: 'text/event-stream', description: 'an open stream' },
    jsonRpc: true,
    transportAnswers: { 406: 'Accept must list text/event-stream' },
    auth: true,
  },
  {
    method: 'delete',
    operationId: 'endMcpSession',
    path: '/mcp',
    family: 'mcp',
    summary: 'MCP Streamable HTTP: end a session (stateless here: there is none to end)',
    ok: { status: 200, description: 'done' },
    jsonRpc: true,
    auth: true,
  },
  {
    method: 'post',
    operationId: 'callA2a',
    path: '/agent/a2a',
    family: 'a2a',
    summary: 'A2A JSON-RPC (SendMessage / SendStreamingMessage with A2A-Version: 1.0; message/send, message/stream for 0.3): contextId is the room id',
    body: z.record(z.string(), z.unknown()).describe('a JSON-RPC request'),
    ok: { status: 200, contentType: ['application/json', 'text/event-stream'], description: 'the JSON-RPC answer (text/event-stream for the streaming methods)' },
    jsonRpc: true,
    auth: true,
  },
  ...['/.well-known/agent-card.json', '/.well-known/agent.json'].map(
    (path, i): RouteDoc => ({ method: 'get', operationId: i === 0 ? 'getAgentCard' : 'getLegacyAgentCard', path, family: 'a2a', summary: 'The A2A Agent Card (the v1.0 shape with A2A-Version: 1.0)', ok: { status: 200, schema: z.record(z.string(), z.unknown()) }, auth: false }),
  ),
  { method: 'get', operationId: 'getOpenApi', path: '/openapi.json', family: 'docs', summary: 'This API as OpenAPI 3.1', ok: { status: 200, contentType: 'application/json', description: 'the OpenAPI document' }, auth: false },
  { method: 'get', operationId: 'getLlmsTxt', path: '/llms.txt', family: 'docs', summary: 'A plain-text guide to this API for LLMs', ok: { status: 200, contentType: 'text/plain', description: 'the guide' }, auth: false },
];
