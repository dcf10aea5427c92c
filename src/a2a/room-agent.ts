// The A2A request handler: SendMessage posts into a room through the typed client (so through the same HTTP routes and
// rules as every other send); SendStreamingMessage then follows the room. Task and push methods answer spec errors.
import { TaskState, type AgentCard, type Message as A2AMessage, type SendMessageRequest, type StreamResponse, type Task } from '@a2a-js/sdk';
import {
  JsonRpcTransportError,
  PushNotificationNotSupportedError,
  RequestMalformedError,
  TaskNotFoundError,
  UnsupportedOperationError,
} from '@a2a-js/sdk/errors';
import type { A2ARequestHandler } from '@a2a-js/sdk/server';
import type { Message } from '../api/types.js';
import type { Client } from '../client/client.js';
import { ApiError } from '../client/errors.js';
import { receipt, toA2AMessage, toMessageInput } from './messages.js';
import type { SendOnce } from '../store/fleet-contract.js';
import { REMEMBERED_PER_ROOM } from './sent-ids.js';

export interface RoomAgentDeps {
  /** A client of this server's own routes, carrying the caller's key. */
  client: Client;
  card: AgentCard;
  sent: SendOnce;
  /** Ends a stream when the caller hangs up. */
  signal: AbortSignal;
  /** The sender when the message's metadata names none (an agent key's name); default DEFAULT_A2A_SENDER. */
  defaultSender?: string;
  /** Hears the room's redactions, each before it is answered (Store.onRedact); returns the unsubscribe function. */
  onRedact?: (roomId: string, listener: (message: Message) => void) => () => void;
}

const NO_TASKS = 'This agent keeps no tasks: a streamed room has no task to look up. Send again with SendStreamingMessage, or read the room with contextId.';

/** Statuses whose answer is about the caller, not the request: kept as JSON-RPC codes equal to the HTTP status. */
const CALLER_STATUSES = new Set([401, 403, 429]);

/** The room API's error, in the A2A error that says the same thing. */
export function toA2AError(err: unknown, contextId?: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.code === 'room_not_found' && contextId) {
    return new RequestMalformedError(`contextId ${contextId.slice(0, 80)} is not a room on this server; leave contextId out to open a new room.`);
  }
  if (err.status === 400 || err.status === 413 || err.status === 415) return new RequestMalformedError(err.message);
  if (CALLER_STATUSES.has(err.status)) {
    return new JsonRpcTransportError({ jsonrpc: '2.0', id: null, error: { code: err.status, message: err.message, data: [{ '@type': 'im-for-agents/error', code: err.code }] } });
  }
  return new Error(err.message);
}

export class RoomAgent implements A2ARequestHandler {
  constructor(private readonly deps: RoomAgentDeps) {}

  async getAgentCard(): Promise<AgentCard> {
    return this.deps.card;
  }

  async sendMessage(params: SendMessageRequest): Promise<A2AMessage> {
    return receipt(await this.post(params));
  }

  /** A task that never ends by itself: the receipt, then each following message of the room as a status update. */
  async *sendMessageStream(params: SendMessageRequest): AsyncGenerator<StreamResponse> {
    const posted = await this.post(params);
    const taskId = `task-${posted.id}`;
    const task: Task = {
      id: taskId,
      contextId: posted.roomId,
      status: { state: TaskState.TASK_STATE_WORKING, message: receipt(posted, taskId), timestamp: posted.createdAt },
      artifacts: [],
      history: [],
      metadata: { roomId: posted.roomId, seq: posted.seq },
    };
    yield { payload: { $case: 'task', value: task } };
    // A page of the room arrives whole and is handed on a message at a time, as the caller reads: a message redacted
    // meanwhile is handed on as it is now, so nothing this stream yields after a redaction's 200 has the old text.
    const redacted = new Map<number, Message>();
    const unlisten = this.deps.onRedact?.(posted.roomId, (m) => redacted.set(m.seq, m)) ?? (() => {});
    try {
      for await (let m of this.deps.client.stream(posted.roomId, { after: posted.seq, signal: this.deps.signal })) {
        if (redacted.size > 0) {
          m = redacted.get(m.seq) ?? m;
          for (const seq of redacted.keys()) if (seq <= m.seq) redacted.delete(seq);
        }
        yield {
          payload: {
            $case: 'statusUpdate',
            value: { taskId, contextId: m.roomId, status: { state: TaskState.TASK_STATE_WORKING, message: toA2AMessage(m, taskId), timestamp: m.createdAt }, metadata: undefined },
          },
        };
      }
    } catch (err) {
      throw toA2AError(err, posted.roomId);
    } finally {
      unlisten();
    }
  }

  async getTask(): Promise<Task> {
    throw new TaskNotFoundError(NO_TASKS);
  }

  async cancelTask(): Promise<Task> {
    throw new TaskNotFoundError(NO_TASKS);
  }

  async listTasks(): Promise<never> {
    throw new UnsupportedOperationError('ListTasks is not supported: this agent keeps no tasks. Rooms are contexts; read one with its contextId.');
  }

  async *resubscribe(): AsyncGenerator<StreamResponse> {
    throw new TaskNotFoundError(NO_TASKS);
  }

  async createTaskPushNotificationConfig(): Promise<never> {
    throw new PushNotificationNotSupportedError('Push notifications are not supported over A2A; add a room webhook instead (POST /agent/rooms/ID/webhooks).');
  }

  async getTaskPushNotificationConfig(): Promise<never> {
    return this.createTaskPushNotificationConfig();
  }

  async listTaskPushNotificationConfigs(): Promise<never> {
    return this.createTaskPushNotificationConfig();
  }

  async deleteTaskPushNotificationConfig(): Promise<never> {
    return this.createTaskPushNotificationConfig();
  }

  async getAuthenticatedExtendedAgentCard(): Promise<AgentCard> {
    throw new UnsupportedOperationError('This agent has no extended card.');
  }

  /** Posts once per messageId: to the room named by contextId, or to a new room. */
  private async post(params: SendMessageRequest): Promise<Message> {
    const { messageId, input, roomName } = toMessageInput(params, this.deps.defaultSender);
    const { client, sent } = this.deps;
    const contextId = params.message?.contextId;
    try {
      if (contextId) {
        return await sent.inRoom(contextId, messageId, () => client.send(contextId, input), () => client.history(contextId, { limit: REMEMBERED_PER_ROOM }));
      }
      return await sent.inNewRoom(messageId, async () => client.send((await client.createRoom(roomName)).id, input));
    } catch (err) {
      throw toA2AError(err, contextId);
    }
  }
}
