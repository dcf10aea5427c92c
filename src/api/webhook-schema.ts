// The schema of the body that creates a webhook (zod), kept apart from the contract's types so clients load no zod.
import { z } from 'zod';
import { MAX_SENDER_LENGTH, MAX_TYPE_LENGTH } from './limits.js';
import { describeIssues, type ParseResult } from './schemas.js';
import { MAX_WEBHOOK_URL_LENGTH, WEBHOOK_FORMATS, type WebhookInput } from './webhooks.js';

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
