// The webhook contract: what a hook looks like in answers, and the schema of the body that creates one.
import { z } from 'zod';
import { MAX_SENDER_LENGTH, MAX_TYPE_LENGTH } from './limits.js';
import { describeIssues, type ParseResult } from './schemas.js';

/** A room's webhook as the API returns it (the signing secret is only in the create answer). */
export interface Webhook {
  id: string;
  roomId: string;
  url: string;
  /** Only messages addressed to this name. */
  to?: string;
  /** Only messages from this sender. */
  sender?: string;
  /** Only messages of this type. */
  type?: string;
  /** The body posted: `standard` (Standard Webhooks JSON) when absent, or the one a chat tool takes. */
  format?: WebhookFormat;
  /** The UI address the room link in a `slack`, `discord` or `ntfy` body starts with. */
  uiUrl?: string;
  /** `paused` after too many consecutive failures; resume it through the API. */
  state: 'active' | 'paused';
  createdAt: string;
  /** Every message up to this seq was delivered (2xx) or did not match the filters; delivery goes on past it. */
  lastDeliveredSeq: number;
  /** Failed attempts since the last success. */
  failures: number;
  lastError?: string;
  lastErrorAt?: string;
  lastDeliveredAt?: string;
}

/** The answer to creating a hook: the hook plus its `whsec_` secret, shown this once. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookList {
  roomId: string;
  webhooks: Webhook[];
}

export interface WebhookInput {
  url: string;
  to?: string;
  sender?: string;
  type?: string;
  format?: WebhookFormat;
  /** Where people open this server's UI (default: the address the hook was added through). */
  uiUrl?: string;
  /** Deliver the messages past this seq; default: only messages sent from now on. */
  after?: number;
}

/**
 * What a hook posts: `standard` is the Standard Webhooks body (`{type, timestamp, data}`); `slack` is `{"text"}` for a
 * Slack incoming webhook, `discord` is `{"content"}` for a Discord webhook, `ntfy` is a publish to an ntfy topic URL
 * (the message as the body, Title, Tags and Click headers).
 */
export const WEBHOOK_FORMATS = ['standard', 'slack', 'discord', 'ntfy'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The event type of every delivery body. */
export const MESSAGE_CREATED = 'message.created';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

const name = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .max(max, { error: `${field} must be at most ${max} characters` })
    .refine((v) => v.trim().length > 0, { error: `${field} must not be empty` })
    .optional();

export const webhookInputSchema = z.object(
  {
    url: z
      .string({ error: (iss) => (iss.input === undefined ? 'url is required' : 'url must be a string') })
      .max(MAX_WEBHOOK_URL_LENGTH, { error: `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` })
      .refine((v) => URL.canParse(v), { error: 'url must be an absolute URL, such as https://example.com/hook' })
      .refine((v) => !URL.canParse(v) || ['http:', 'https:'].includes(new URL(v).protocol), {
        error: 'url must start with http:// or https://',
      }),
    to: name('to', MAX_SENDER_LENGTH),
    sender: name('sender', MAX_SENDER_LENGTH),
    type: name('type', MAX_TYPE_LENGTH),
    format: z.enum(WEBHOOK_FORMATS, { error: `format must be one of ${WEBHOOK_FORMATS.join(', ')}` }).optional(),
    uiUrl: z
      .string({ error: 'uiUrl must be a string' })
      .max(MAX_WEBHOOK_URL_LENGTH, { error: `uiUrl must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` })
      .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), {
        error: 'uiUrl must be an absolute http:// or https:// URL, such as https://im.example.com',
      })
      .optional(),
    after: z.number({ error: 'after must be a seq (a whole number)' }).int({ error: 'after must be a whole number' }).min(0).optional(),
  },
  { error: 'the body must be a JSON object with a url' },
);

export function parseWebhookInput(body: unknown): ParseResult<WebhookInput> {
  const r = webhookInputSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: describeIssues(r.error) };
}
