// Standard Webhooks signing: a `whsec_` secret per hook and the three headers every delivery carries.
import { randomBytes } from 'node:crypto';

/** 192 random bits, base64 after the `whsec_` prefix, as the Standard Webhooks libraries expect. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers for one attempt. Signed by the specification's
 * reference library, so whatever a receiver verifies with (any language's `standardwebhooks`) agrees with it.
 */
let library: Promise<typeof import('standardwebhooks')> | undefined;

export async function signatureHeaders(secret: string, id: string, body: string, now = new Date()): Promise<Record<string, string>> {
  // Loaded on the first delivery, not at every server start.
  const { Webhook } = await (library ??= import('standardwebhooks'));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, now, body),
  };
}
