// What a webhook operation refuses, by code: the adapter knows no HTTP; the server maps each code to a status.

export type WebhookErrorCode = 'unavailable' | 'limit' | 'webhook_url_refused' | 'webhook_not_found';

export class WebhookError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}
