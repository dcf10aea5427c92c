// zod schemas of what the API answers, for the OpenAPI document; the compiler holds them equal to types.ts.
import { z } from 'zod';
import type { CreatedRoom, ErrorBody, History, Message, Room } from './types.js';
import { WEBHOOK_FORMATS, type CreatedWebhook, type Webhook, type WebhookList } from './webhooks.js';

export const roomSchema = z.object({
  id: z.string().describe('26 characters of lowercase base32'),
  name: z.string(),
  createdAt: z.string().describe('ISO 8601, UTC'),
  lastActivityAt: z.string().describe('time of the newest message, or of creation'),
  messageCount: z.number().int(),
  lastSeq: z.number().int().describe('seq of the newest message; 0 when empty'),
  topic: z.string().optional(),
  settings: z
    .object({
      agentKeysOnly: z.boolean().optional().describe('posts need an agent key (or the admin token)'),
      loopGuard: z.number().int().optional().describe('most agent messages in a row without a human one'),
    })
    .optional(),
});

export const messageSchema = z.object({
  id: z.string().describe('a UUID'),
  seq: z.number().int().describe('1, 2, 3... per room, with no gaps'),
  roomId: z.string(),
  sender: z.string(),
  content: z.string(),
  createdAt: z.string().describe('ISO 8601, UTC'),
  to: z.array(z.string()).optional(),
  replyTo: z.string().optional(),
  type: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  mentions: z.array(z.string()).optional().describe('names @mentioned in content'),
  verified: z.boolean().optional().describe('true when an agent key proved the sender'),
  redacted: z.literal(true).optional().describe('set once the message was redacted: content is "[redacted]" and metadata is gone (but for metadata.a2a.messageId, an A2A id)'),
  redactedAt: z.string().optional().describe('when it was redacted, ISO 8601'),
});

export const createdRoomSchema = roomSchema.extend({
  roomId: z.string().describe('the same as id, for clients of the hosted service'),
  keys: z.object({ write: z.string(), read: z.string() }).describe('shown once: the write key posts and reads, the read key reads'),
});

export const historySchema = z.object({ roomId: z.string(), messages: z.array(messageSchema) });
export const roomListSchema = z.object({
  rooms: z.array(roomSchema),
  next: z.string().nullable().describe('pass as after for the next page; null on the last page'),
});
export const healthSchema = z.object({ ok: z.boolean(), name: z.string(), version: z.string(), auth: z.boolean() });
export const webhookSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  url: z.string(),
  to: z.string().optional(),
  sender: z.string().optional(),
  type: z.string().optional(),
  format: z.enum(WEBHOOK_FORMATS).optional(),
  uiUrl: z.string().optional(),
  state: z.enum(['active', 'paused']),
  createdAt: z.string(),
  lastDeliveredSeq: z.number().int(),
  failures: z.number().int(),
  lastError: z.string().optional(),
  lastErrorAt: z.string().optional(),
  lastDeliveredAt: z.string().optional(),
});
export const createdWebhookSchema = webhookSchema.extend({ secret: z.string().describe('whsec_...: verifies deliveries; shown once') });
export const webhookListSchema = z.object({ roomId: z.string(), webhooks: z.array(webhookSchema) });

export const agentSchema = z.object({ name: z.string(), createdAt: z.string() });
export const createdAgentSchema = agentSchema.extend({ key: z.string().describe('imag_...: posts as this name; shown once') });
export const agentListSchema = z.object({ roomId: z.string(), agents: z.array(agentSchema) });
export const rotatedKeysSchema = z.object({ roomId: z.string(), keys: z.object({ write: z.string(), read: z.string() }).describe('shown once; the old keys are refused from now on') });

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string().describe('what to fix'), requestId: z.string().optional() }),
});

/** What the JSON-RPC endpoints (/mcp, /agent/a2a) answer to a body they cannot take: JSON-RPC's error object. */
export const jsonRpcErrorSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]),
  error: z.object({ code: z.number().int().describe('-32700 not JSON, -32600 not a valid request, -32000 the transport refused it'), message: z.string(), data: z.unknown().optional() }),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Fails to compile when a schema and its type in types.ts part ways. */
export type SchemasMatchTypes = [
  Assert<Same<z.infer<typeof roomSchema>, Room>>,
  Assert<Same<z.infer<typeof messageSchema>, Message>>,
  Assert<Same<z.infer<typeof createdRoomSchema>, CreatedRoom>>,
  Assert<Same<z.infer<typeof historySchema>, History>>,
  Assert<Same<z.infer<typeof errorBodySchema>, ErrorBody>>,
  Assert<Same<z.infer<typeof webhookSchema>, Webhook>>,
  Assert<Same<z.infer<typeof createdWebhookSchema>, CreatedWebhook>>,
  Assert<Same<z.infer<typeof webhookListSchema>, WebhookList>>,
];
