// The inbox API's shapes: a name's unread messages (to it, @mentioning it, or to everyone) and its read cursor.
import { z } from 'zod';
import { MAX_SENDER_LENGTH } from './limits.js';
import { messageSchema } from './response-schemas.js';
import { describeIssues, type ParseResult } from './schemas.js';
import type { Message } from './types.js';

/** Answer of GET /agent/rooms/:id/inbox. */
export interface Inbox {
  roomId: string;
  /** Whose inbox. */
  name: string;
  /** Seq of the last message the name acknowledged (0 before any); reading does not move it. */
  cursor: number;
  /** The page covers the room up to this seq: read on with after=through. */
  through: number;
  /** Oldest first. */
  messages: Message[];
}

/** Body of POST /agent/rooms/:id/inbox/ack; `as` may be left out with an agent key (or given as ?as=). */
export interface InboxAck {
  as?: string;
  seq: number;
}

/** Answer of POST /agent/rooms/:id/inbox/ack. */
export interface InboxCursor {
  roomId: string;
  name: string;
  cursor: number;
}

export const inboxSchema = z.object({
  roomId: z.string(),
  name: z.string(),
  cursor: z.number().describe('seq of the last acknowledged message'),
  through: z.number().describe('the page covers the room up to this seq'),
  messages: z.array(messageSchema),
});

export const inboxCursorSchema = z.object({ roomId: z.string(), name: z.string(), cursor: z.number() });

export const inboxAckSchema = z
  .object(
    {
      as: z
        .string({ error: 'as must be a string' })
        .min(1, { error: 'as must not be empty' })
        .max(MAX_SENDER_LENGTH, { error: `as must be at most ${MAX_SENDER_LENGTH} characters` })
        .optional(),
      seq: z
        .number({ error: (iss) => (iss.input === undefined ? 'seq is required' : 'seq must be a number') })
        .int({ error: 'seq must be a whole number' })
        .min(0, { error: 'seq must be 0 or more' }),
    },
    { error: 'the body must be a JSON object with seq (and as, unless an agent key names you)' },
  )
  // Not .strict(): its message would be replaced by the object's own error above.
  .catchall(z.unknown().refine(() => false, { error: 'an ack takes only as and seq' }));

export function parseInboxAck(body: unknown): ParseResult<InboxAck> {
  const r = inboxAckSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: describeIssues(r.error) };
}
