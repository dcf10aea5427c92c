// The one send: every rule a posted message or batch passes, for the Hono route and the raw-Node fast path alike.
import { parseMessageBatch, parseMessageInput } from '../api/schemas.js';
import { messageJson } from '../store/message-json.js';
import type { MessageInput, Room, RoomSettings } from '../api/types.js';
import { ROOM_ID_PATTERN } from '../store/ids.js';
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
 * On a store with appendUnless (Redis, where reading the room is a round trip of its own) the room is not read first:
 * the append checks in the same step that the room exists and sets none of the settings this send must see, and only
 * when it refuses, or a later check fails, is the room read, so the answer is the one the order above gives.
 */
export async function postMessages(deps: SendDeps, req: SendRequest): Promise<SendAnswer> {
  const p = req.principal;
  authorizeRoomFor(p, req.roomId, 'write');
  const agent = p.kind === 'room' ? p.agent : undefined;
  // A room key without an agent: the room's agentKeysOnly refuses it.
  const plainKey = p.kind === 'room' && agent === undefined;
  const checkedRoom = async (): Promise<Room> => {
    const room = await findRoom(deps.store, req.roomId);
    if (room.settings?.agentKeysOnly && plainKey) {
      throw new HttpError(403, 'agent_key_required', 'This room takes posts only with an agent key (POST /agent/rooms/:id/agents makes one) or the admin token.');
    }
    return room;
  };
  let room = deps.store.appendUnless && ROOM_ID_PATTERN.test(req.roomId) ? undefined : await checkedRoom();
  let body: unknown;
  let prepared: NewMessage[];
  try {
    ({ body, prepared } = await readMessages(deps, req, agent));
  } catch (err) {
    // The room's own refusal (missing, agentKeysOnly) comes first.
    room ??= await checkedRoom();
    throw err;
  }
  let messages = room ? undefined : await deps.store.appendUnless!(req.roomId, prepared, plainKey ? SEEN_BY_KEYS : SEEN_BY_ALL);
  if (!messages) {
    room ??= await checkedRoom();
    // The loop guard reads the room's newest messages: only for a room that sets one.
    const max = room.settings?.loopGuard;
    if (max !== undefined) await checkLoopGuard(deps.store, room.id, max, prepared);
    messages = await deps.store.append(room.id, prepared);
  }
  const { presence } = deps;
  if (presence && messages.length === 1) presence.posted(req.roomId, messages[0]!.sender);
  else if (presence) for (const sender of new Set(messages.map((m) => m.sender))) presence.posted(req.roomId, sender);
  return { status: 201, json: Array.isArray(body) ? historyJson(req.roomId, messages) : messageJson(messages[0]!) };
}

/** The settings a send must see before it appends (checkedRoom and the loop guard above), with an agent key or the
 *  admin token, and with a room key alone. */
const SEEN_BY_ALL: readonly (keyof RoomSettings)[] = ['loopGuard'];
const SEEN_BY_KEYS: readonly (keyof RoomSettings)[] = ['loopGuard', 'agentKeysOnly'];

/** Content type, body, validation, signature: the request's messages as the server stores them. */
async function readMessages(deps: SendDeps, req: SendRequest, agent: string | undefined): Promise<{ body: unknown; prepared: NewMessage[] }> {
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
  return { body, prepared: prepare(agent, inputs) };
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
