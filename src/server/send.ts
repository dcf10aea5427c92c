// The one send: every rule a posted message or batch passes, for the Hono route and the raw-Node fast path alike.
import { parseMessageBatch, parseMessageInput } from '../api/schemas.js';
import { messageJson } from '../store/message-json.js';
import type { Store } from '../store/store.js';
import { authorizeRoomFor, type Principal } from './auth/principal.js';
import { HttpError } from './errors.js';
import { historyJson } from './json-body.js';
import { parseJsonText, requireJsonType } from './request.js';
import { findRoom } from './routes/room-param.js';

export interface SendDeps {
  store: Store;
  maxBodyBytes: number;
}

export interface SendRequest {
  /** As given in the path. */
  roomId: string;
  principal: Principal;
  contentType: string | undefined;
  /** Reads the body's text, refusing more than `maxBytes` with a 413. Called at most once, after the cheaper checks. */
  readBody(maxBytes: number): Promise<string>;
}

/** The answer to a send that was stored: the message, or `{"roomId","messages"}` for a batch. */
export interface SendAnswer {
  status: 201;
  json: string;
}

/**
 * Key, room, content type, body, validation, append, answer: in this order, for every way a message arrives. Throws an
 * HttpError or StoreError that describeError turns into the one error shape.
 */
export async function postMessages(deps: SendDeps, req: SendRequest): Promise<SendAnswer> {
  authorizeRoomFor(req.principal, req.roomId, 'write');
  const room = await findRoom(deps.store, req.roomId);
  requireJsonType(req.contentType);
  const body = parseJsonText(await req.readBody(deps.maxBodyBytes));
  if (Array.isArray(body)) {
    const parsed = parseMessageBatch(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_message', `${parsed.message}. Nothing was stored.`);
    return { status: 201, json: historyJson(room.id, await deps.store.append(room.id, parsed.value)) };
  }
  const parsed = parseMessageInput(body);
  if (!parsed.ok) throw new HttpError(400, 'invalid_message', parsed.message);
  const [message] = await deps.store.append(room.id, [parsed.value]);
  return { status: 201, json: messageJson(message!) };
}
