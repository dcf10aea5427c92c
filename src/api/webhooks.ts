// The webhook contract: what a hook looks like in answers and what a request may set (the body's schema is in
// webhook-schema.ts, so that a client, the CLI's `hook` included, loads no zod).

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
