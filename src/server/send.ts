// The one send: every rule a posted message or batch passes, for the Hono route and the raw-Node fast path alike.
import { parseMessageBatch, parseMessageInput } from '../api/schemas.js';
import { messageJson } from '../store/message-json.js';
import type { MessageInput } from '../api/types.js';
import type { NewMessage, RoomStorage } from '../store/store.js';
import { authorizeRoomFor, type Principal } from './auth/principal.js';
import { HttpError } from './errors.js';
import type { Presence } from './presence.js';
import { historyJson } from './json-body.js';
import { parseJsonText, requireJsonType } from './request.js';
import { findRoom } from './routes/room-param.js';
import { checkLoopGuard } from './rules/loop-guard.js';
import { mentionsIn } from '../api/mentions.js';

export interface SendDeps {
  store: RoomStorage;
  maxBodyBytes: number;
  /** Told each sender's post (lastPostAt); absent for callers that keep no presence. */
  presence?: Presence;
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
 * Key, room, room settings, content type, body, validation, signature, loop guard, append, answer: in this order,
 * for every way a message arrives. Throws an HttpError or StoreError that describeError turns into the one error shape.
 */
export async function postMessages(deps: SendDeps, req: SendRequest): Promise<SendAnswer> {
  const p = req.principal;
  authorizeRoomFor(p, req.roomId, 'write');
  const room = await findRoom(deps.store, req.roomId);
  const agent = p.kind === 'room' ? p.agent : undefined;
  if (room.settings?.agentKeysOnly && p.kind === 'room' && agent === undefined) {
    throw new HttpError(403, 'agent_key_required', 'This room takes posts only with an agent key (POST /agent/rooms/:id/agents makes one) or the admin token.');
  }
  requireJsonType(req.contentType);
  const body = parseJsonText(await req.readBody(deps.maxBodyBytes));
  if (agent !== undefined) fillSender(body, agent);
  let inputs: MessageInput[];
  if (Array.isArray(body)) {
    const parsed = parseMessageBatch(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_message', `${parsed.message}. Nothing was stored.`);
    inputs = parsed.value;
  } else {
    const parsed = parseMessageInput(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_message', parsed.message);
    inputs = [parsed.value];
  }
  const prepared = prepare(agent, inputs);
  // The loop guard reads the room's newest messages: only for a room that sets one.
  const max = room.settings?.loopGuard;
  if (max !== undefined) await checkLoopGuard(deps.store, room.id, max, prepared);
  const messages = await deps.store.append(room.id, prepared);
  const { presence } = deps;
  if (presence && messages.length === 1) presence.posted(room.id, messages[0]!.sender);
  else if (presence) for (const sender of new Set(messages.map((m) => m.sender))) presence.posted(room.id, sender);
  return { status: 201, json: Array.isArray(body) ? historyJson(room.id, messages) : messageJson(messages[0]!) };
}

/** An agent key may leave `sender` out: it is the key's name. */
function fillSender(body: unknown, agent: string): void {
  for (const m of Array.isArray(body) ? body : [body]) {
    if (m !== null && typeof m === 'object' && !Array.isArray(m) && (m as { sender?: unknown }).sender === undefined) {
      (m as { sender: string }).sender = agent;
    }
  }
}

/** The server's part of each message: the proven sender, the @mentions. */
function prepare(agent: string | undefined, inputs: MessageInput[]): NewMessage[] {
  return inputs.map((input, i): NewMessage => {
    if (agent !== undefined && input.sender !== agent) {
      const which = inputs.length > 1 ? `message ${i + 1}: ` : '';
      throw new HttpError(403, 'sender_mismatch', `${which}this agent key posts as "${agent}", not as "${input.sender}": leave sender out or set it to "${agent}". Nothing was stored.`);
    }
    const mentions = mentionsIn(input.content);
    // The parsed input is this request's own object: a plain send stores it as it is.
    if (mentions === undefined && agent === undefined) return input;
    return { ...input, ...(mentions && { mentions }), ...(agent !== undefined && { verified: true as const }) };
  });
}
