// A2A messages to room messages and back: text parts become content, metadata carries sender, to, type, replyTo.
import { Role, type Message as A2AMessage, type Part, type SendMessageRequest } from '@a2a-js/sdk';
import { ContentTypeNotSupportedError, RequestMalformedError } from '@a2a-js/sdk/errors';
import type { Message, MessageInput } from '../api/types.js';

/** The sender of a message whose metadata names none. */
export const DEFAULT_A2A_SENDER = 'a2a';

/** The name of a room opened by a message without contextId, unless metadata.roomName gives one. */
export const DEFAULT_ROOM_NAME = 'A2A conversation';

const textPart = (text: string): Part => ({ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' });

/** The room message an A2A SendMessage asks to post. The room's own validation runs when it is posted. */
export function toMessageInput(request: SendMessageRequest, defaultSender = DEFAULT_A2A_SENDER): { messageId: string; input: MessageInput; roomName: string } {
  const message = request.message;
  if (!message) throw new RequestMalformedError('params.message is required.');
  if (!message.messageId) throw new RequestMalformedError('message.messageId is required (a unique id the client makes, e.g. a UUID).');
  const texts: string[] = [];
  for (const part of message.parts) {
    if (part.content?.$case !== 'text') {
      throw new ContentTypeNotSupportedError(`Only text parts can be posted to a room; this message has a ${part.content?.$case ?? 'empty'} part.`);
    }
    texts.push(part.content.value);
  }
  const content = texts.join('\n');
  if (!content.trim()) throw new RequestMalformedError('The message needs a text part with some text.');
  // The message's own metadata wins over the request's.
  const { sender, to, type, replyTo, roomName, ...rest } = { ...request.metadata, ...message.metadata } as Record<string, unknown>;
  const input = {
    sender: sender ?? defaultSender,
    content,
    metadata: { ...rest, a2a: { messageId: message.messageId, ...(message.taskId && { taskId: message.taskId }) } },
    ...(to !== undefined && { to }),
    ...(type !== undefined && { type }),
    ...(replyTo !== undefined && { replyTo }),
  } as unknown as MessageInput; // checked by the room's own validation when posted
  return { messageId: message.messageId, input, roomName: typeof roomName === 'string' && roomName.trim() ? roomName : DEFAULT_ROOM_NAME };
}

/** A room message as an A2A message from this agent; who wrote it is in metadata.sender. */
export function toA2AMessage(m: Message, taskId = ''): A2AMessage {
  return {
    messageId: m.id,
    contextId: m.roomId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(m.content)],
    metadata: {
      sender: m.sender,
      seq: m.seq,
      createdAt: m.createdAt,
      ...(m.to && { to: m.to }),
      ...(m.type && { type: m.type }),
      ...(m.replyTo && { replyTo: m.replyTo }),
      ...(m.metadata && { metadata: m.metadata }),
    },
    extensions: [],
    referenceTaskIds: [],
  };
}

/** The answer to a send: where the message went, as an A2A message whose metadata holds the stored message's keys. */
export function receipt(m: Message, taskId = ''): A2AMessage {
  return {
    messageId: `receipt-${m.id}`,
    contextId: m.roomId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(`Posted to room ${m.roomId} as message #${m.seq} from ${m.sender}.`)],
    metadata: { roomId: m.roomId, seq: m.seq, id: m.id, sender: m.sender, createdAt: m.createdAt },
    extensions: [],
    referenceTaskIds: [],
  };
}
