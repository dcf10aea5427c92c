// Validation of request bodies: one schema per payload, errors phrased as what to fix.
import { z } from 'zod';
import {
  MAX_BATCH,
  MAX_CONTENT_LENGTH,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MAX_NAME_LENGTH,
  MAX_RECIPIENTS,
  MAX_SENDER_LENGTH,
  MAX_TOPIC_LENGTH,
  MAX_TYPE_LENGTH,
  MAX_LOOP_GUARD,
} from './limits.js';
import type { CreateRoomInput, MessageInput, RoomPatch } from './types.js';

const text = (field: string, max?: number) => {
  let s = z.string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) });
  if (max !== undefined) s = s.max(max, { error: `${field} must be at most ${max} characters` });
  return s.refine((v) => v.trim().length > 0, { error: `${field} must not be empty` });
};

/** Whether `value` is nested more than `limit` levels deep. It stops once past the limit, so input nested far deeper
 *  than the stack is safe to measure. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  return depth(value, limit) > limit;
}

function depth(value: unknown, limit: number, level = 0): number {
  if (value === null || typeof value !== 'object' || level > limit) return level;
  let max = level + 1;
  for (const v of Object.values(value)) {
    max = Math.max(max, depth(v, limit, level + 1));
    if (max > limit) break;
  }
  return max;
}

export const messageInputSchema = z.object(
  {
    sender: text('sender', MAX_SENDER_LENGTH),
    content: text('content', MAX_CONTENT_LENGTH),
    to: z
      .preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(text('each name in to', MAX_SENDER_LENGTH), { error: 'to must be an array of names' })
      .max(MAX_RECIPIENTS, { error: `to must list at most ${MAX_RECIPIENTS} names` }))
      .optional(),
    replyTo: z.string({ error: 'replyTo must be a message id (a string)' }).min(1).max(200).optional(),
    type: text('type', MAX_TYPE_LENGTH).optional(),
    // Checked but not rebuilt: copying key by key would turn a "__proto__" key into a prototype and lose it.
    metadata: z
      .unknown()
      .superRefine((m, ctx) => {
        if (m === null || typeof m !== 'object' || Array.isArray(m)) {
          ctx.addIssue({ code: 'custom', message: 'metadata must be a JSON object' });
        } else if (nestedDeeperThan(m, MAX_METADATA_DEPTH)) {
          // Depth first: serialising a hostile, deeply nested object to measure it would overflow the stack.
          ctx.addIssue({ code: 'custom', message: `metadata must be nested at most ${MAX_METADATA_DEPTH} levels deep` });
        } else if (new TextEncoder().encode(JSON.stringify(m)).length > MAX_METADATA_BYTES) {
          ctx.addIssue({ code: 'custom', message: `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON` });
        }
      })
      .transform((m) => m as Record<string, unknown> | undefined)
      .optional(),
  },
  { error: 'the body must be a JSON object with sender and content' },
);

export const messageBatchSchema = z
  .array(messageInputSchema, { error: 'the body must be a message object or an array of them' })
  .min(1, { error: 'a batch must hold at least one message' })
  .max(MAX_BATCH, { error: `a batch holds at most ${MAX_BATCH} messages` });

export const createRoomSchema = z.object(
  { name: text('name', MAX_NAME_LENGTH) },
  { error: 'the body must be a JSON object with a name' },
);

/** Agent names go in paths and @mentions: letters, digits, `_`, `.` and `-`, starting and ending on a letter or digit. */
export const AGENT_NAME = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]{0,62}[\p{L}\p{N}_])?$/u;

export const createAgentSchema = z.object(
  {
    name: z
      .string({ error: (iss) => (iss.input === undefined ? 'name is required' : 'name must be a string') })
      .regex(AGENT_NAME, { error: 'name must be 1 to 64 letters, digits, "_", "." or "-", starting and ending on a letter, digit or "_" (so it can be @mentioned)' }),
  },
  { error: 'the body must be a JSON object with a name' },
);

const SETTING_KEYS = ['agentKeysOnly', 'loopGuard'] as const;

const settingsSchema = z
  .object(
    {
      agentKeysOnly: z.boolean({ error: 'agentKeysOnly must be true, false or null' }).nullable().optional(),
      loopGuard: z
        .number({ error: 'loopGuard must be a whole number or null (off)' })
        .int({ error: 'loopGuard must be a whole number' })
        .min(1, { error: 'loopGuard must be at least 1 (null turns it off)' })
        .max(MAX_LOOP_GUARD, { error: `loopGuard must be at most ${MAX_LOOP_GUARD}` })
        .nullable()
        .optional(),
    },
    { error: 'settings must be a JSON object' },
  )
  .strict();

// Settings may also be given at the top level ({"loopGuard": 5}); they are folded into `settings`.
export const patchRoomSchema = z.preprocess(
  (body) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
    const { settings, ...rest } = body as Record<string, unknown>;
    const top = Object.fromEntries(SETTING_KEYS.filter((k) => k in rest).map((k) => [k, rest[k]]));
    for (const k of SETTING_KEYS) delete rest[k];
    if (Object.keys(top).length === 0) return settings === undefined ? rest : { ...rest, settings };
    return { ...rest, settings: settings !== null && typeof settings === 'object' ? { ...settings, ...top } : top };
  },
  z
    .object(
      {
        name: text('name', MAX_NAME_LENGTH).optional(),
        topic: z.string({ error: 'topic must be a string or null' }).max(MAX_TOPIC_LENGTH, { error: `topic must be at most ${MAX_TOPIC_LENGTH} characters` }).nullable().optional(),
        settings: settingsSchema.optional(),
      },
      { error: 'the body must be a JSON object with name, topic or settings' },
    )
    // Not .strict(): its message would be replaced by the object's own error above.
    .catchall(z.unknown().refine(() => false, { error: `a room patch takes only name, topic and settings (${SETTING_KEYS.join(', ')})` }))
    .refine((p) => p.name !== undefined || p.topic !== undefined || p.settings !== undefined, { error: 'give at least one of name, topic or settings' }),
);

/** Turns a zod failure into one sentence naming the field and the fix. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    // Batch positions count from 1, as people count: "message 2" is the second one.
    .map((i) => (typeof i.path[0] === 'number' ? `message ${i.path[0] + 1}: ${i.message}` : i.message))
    .join('; ');
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

function run<T>(schema: z.ZodType<T>, body: unknown): ParseResult<T> {
  const r = schema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: describeIssues(r.error) };
}

export const parseMessageInput = (body: unknown): ParseResult<MessageInput> => run(messageInputSchema, body);
export const parseMessageBatch = (body: unknown): ParseResult<MessageInput[]> => run(messageBatchSchema, body);
export const parseCreateAgent = (body: unknown): ParseResult<{ name: string }> => run(createAgentSchema, body);
export const parsePatchRoom = (body: unknown): ParseResult<RoomPatch> => run(patchRoomSchema as z.ZodType<RoomPatch>, body);
export const parseCreateRoom = (body: unknown): ParseResult<CreateRoomInput> => run(createRoomSchema, body);
