// JSON answers built from each message's stored JSON text instead of serialising the messages again.
import type { Context } from 'hono';
import type { History, Message } from '../api/types.js';
import { messageJson } from '../store/message-json.js';

/** `{"roomId","messages":[...]}`, the shape of history, search and batch answers; a long-poll's has `cursor` too. */
export function historyJson(roomId: string, messages: readonly Message[], cursor?: number): string {
  const head: Omit<History, 'messages'> = cursor === undefined ? { roomId } : { roomId, cursor };
  return `${JSON.stringify(head).slice(0, -1)},"messages":[${messages.map(messageJson).join(',')}]}`;
}

export function jsonBody(c: Context, body: string, status: 200 | 201): Response {
  return c.body(body, status, { 'content-type': 'application/json' });
}
