// Local stand-ins for Slack incoming webhooks, Discord's execute webhook and ntfy's publish, on 127.0.0.1 (port 0):
// each accepts only the body shape its service documents and answers as the service does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEachTest } from './hooks.js';

export type ChatService = 'slack' | 'discord' | 'ntfy';

export interface ChatPost {
  headers: Record<string, string>;
  /** The raw body. */
  text: string;
  /** Slack's `text`, Discord's `content`, or ntfy's message body. */
  message: string;
  /** ntfy only: the decoded Title, Tags and Click headers. */
  title?: string;
  tags?: string[];
  click?: string;
}

export interface ChatReceiver {
  url: string;
  accepted: ChatPost[];
  /** Why each refused request was refused: should stay empty. */
  refused: string[];
}

const closers = new Set<() => Promise<void>>();
afterEachTest(async () => {
  await Promise.all([...closers].map((close) => close()));
  closers.clear();
});

/** RFC 2047 encoded words (`=?UTF-8?B?...?=` or `?Q?`), as ntfy decodes them in its headers. */
export function decodeHeader(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_all, kind: string, data: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  );
}

/** Checks one request as the service would; a string is why it is refused. */
function check(service: ChatService, headers: Record<string, string>, text: string): ChatPost | string {
  if (service === 'ntfy') {
    // ntfy publishes the body as the message; over 4096 bytes it becomes an attachment instead.
    if (Buffer.byteLength(text) > 4096) return 'ntfy: message over 4096 bytes would be sent as an attachment';
    if (text.trim() === '') return 'ntfy: empty message';
    return {
      headers,
      text,
      message: text,
      ...(headers.title !== undefined && { title: decodeHeader(headers.title) }),
      ...(headers.tags !== undefined && { tags: decodeHeader(headers.tags).split(',') }),
      ...(headers.click !== undefined && { click: headers.click }),
    };
  }
  if (!headers['content-type']?.startsWith('application/json')) return `${service}: content-type ${headers['content-type']}, not JSON`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${service}: body is not JSON`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `${service}: body is not a JSON object`;
  const field = service === 'slack' ? 'text' : 'content';
  const message = (body as Record<string, unknown>)[field];
  if (typeof message !== 'string' || message.trim() === '') return `${service}: no ${field}`;
  // Discord answers 400 "Must be 2000 or fewer in length" past 2000 characters.
  if (service === 'discord' && [...message].length > 2000) return 'discord: content over 2000 characters';
  return { headers, text, message };
}

/** Starts a receiver for `service`; it answers 200 "ok" (Slack), 204 (Discord) or 200 with the event (ntfy). */
export async function startChatReceiver(service: ChatService): Promise<ChatReceiver> {
  const receiver: ChatReceiver = { url: '', accepted: [], refused: [] };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const result = req.method === 'POST' ? check(service, headers, text) : `${service}: method ${req.method}`;
    if (typeof result === 'string') {
      receiver.refused.push(result);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(service === 'slack' ? 'invalid_payload' : result);
      return;
    }
    receiver.accepted.push(result);
    if (service === 'slack') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else if (service === 'discord') res.writeHead(204).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x', event: 'message', message: text }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${service === 'ntfy' ? 'my-topic' : 'hook'}`;
  closers.add(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return receiver;
}
