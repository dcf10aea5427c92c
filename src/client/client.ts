// The one typed HTTP client of the API, used by the CLI, the web UI, the tests and the MCP server.
import type { Inbox, InboxCursor } from '../api/inbox.js';
import { HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS, ROOMS_MAX_LIMIT } from '../api/limits.js';
import type { RoomPresence } from '../api/presence.js';
import type { Agent, CreatedAgent, CreatedRoom, ErrorBody, History, Message, MessageInput, Room, RoomKeys, RoomList, RoomPatch } from '../api/types.js';
import type { WaitFilter } from '../api/wait-rule.js';
import type { CreatedWebhook, Webhook, WebhookInput, WebhookList } from '../api/webhooks.js';
import { ApiError, NotImServerError, ServerUnreachableError } from './errors.js';
import { parseSse } from './sse.js';

/** What the client passes to `fetch`. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The part of a fetch `Response` the client reads, so a small fetch (the CLI's node:http one) fits as well as the real one. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** How long a server has to start answering a call (a long-poll gets its wait on top), unless `timeoutMs` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ClientOptions {
  /** e.g. http://127.0.0.1:7331 */
  baseUrl: string;
  /** Default: the global `fetch`. Injectable for in-process tests (`app.request`) and the CLI's lighter node:http fetch. */
  fetch?: FetchLike;
  /** A room key or the admin token, sent as `Authorization: Bearer KEY`. */
  key?: string;
  /** Milliseconds a server has to answer before the call fails with ServerUnreachableError (reason "timeout"); 0: never. */
  timeoutMs?: number;
  /** Who this client is, sent as `?as=` on streams, long-polls and inbox calls (presence: listening; inboxes). An
   *  agent key names its holder without it. */
  as?: string;
}

export interface HistoryQuery {
  after?: number;
  limit?: number;
  /** Long-poll: seconds to wait for a message past `after`. */
  wait?: number;
  /** A message id: only that message and its replies, directly or through other replies. */
  thread?: string;
  signal?: AbortSignal;
  /** Overrides the client's `as` for this call. */
  as?: string;
}

export interface InboxQuery {
  /** Whose inbox; default the client's `as` (an agent key names its holder). */
  as?: string;
  /** Read on past this seq (default: the read cursor). */
  after?: number;
  limit?: number;
  /** Seconds to wait while the inbox is empty. */
  wait?: number;
  signal?: AbortSignal;
}

export interface WaitQuery extends WaitFilter {
  /** Wait for a message past this seq; default: after the caller's own latest message in the room, else the newest. */
  after?: number;
  /** Who waits (presence); default the client's `as`. */
  as?: string;
  /** Give up after this many milliseconds; default never. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StreamQuery extends WaitFilter {
  /** Start past this seq; default: after the caller's own latest message (`as`, or an agent key's name), else only
   *  messages from now on. */
  after?: number;
  signal?: AbortSignal;
  /** Milliseconds before reconnecting after the connection drops. */
  retryMs?: number;
  /** Told about connection state changes, for UIs and `tail -f` diagnostics. */
  onState?: (state: 'open' | 'retrying', detail?: string) => void;
  /** Told about every event other than a message (its name and raw data); after `deleted` the stream ends. */
  onEvent?: (event: string, data: string) => void;
  /** Who listens (presence); default the client's `as`. */
  as?: string;
}

/**
 * The typed HTTP client of an im-for-agents server: rooms, messages, streams (with reconnects), inboxes, agents,
 * webhooks. Each call resolves with the answer's data or rejects with ApiError (the server's `{"error":{"code",
 * "message"}}`), ServerUnreachableError (no answer within `timeoutMs`, refused, reset) or NotImServerError (something
 * else answers there).
 *
 * @example
 * const client = new Client({ baseUrl: 'http://127.0.0.1:7331', key: process.env.IM_KEY });
 * const { roomId } = await client.createRoom('demo');
 * await client.send(roomId, { sender: 'me', content: 'hello' });
 */
export class Client {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly auth: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly as: string | undefined;

  constructor(options: ClientOptions) {
    this.as = options.as;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Looked up at call time: Node builds its fetch on first use, which a client given another fetch never pays for.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.auth = options.key ? { authorization: `Bearer ${options.key}` } : {};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  health(): Promise<{ ok: boolean; name: string; version: string; auth: boolean }> {
    return this.request('GET', '/agent/health');
  }

  createRoom(name: string): Promise<CreatedRoom> {
    return this.request('POST', '/agent/rooms', { name });
  }

  /** One page of rooms, newest activity first; pass its `next` as `after` for the following page (null: the last). */
  listRoomPage(query: { limit?: number; after?: string } = {}): Promise<RoomList> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.after !== undefined) params.set('after', query.after);
    return this.request('GET', `/agent/rooms${params.size > 0 ? `?${params}` : ''}`);
  }

  /** Pages of rooms, newest activity first, until the list ends or `limit` rooms (default: all) were handed out. */
  async *roomPages(query: { limit?: number } = {}): AsyncGenerator<Room[]> {
    let left = query.limit ?? Infinity;
    for (let after: string | undefined; left > 0; ) {
      const page = await this.listRoomPage({ limit: Math.min(ROOMS_MAX_LIMIT, left), ...(after && { after }) });
      left -= page.rooms.length;
      if (page.rooms.length > 0) yield page.rooms;
      if (page.next === null) return;
      after = page.next;
    }
  }

  /** Rooms, newest activity first: every room, or the first `limit`, fetched a page at a time. */
  async listRooms(query: { limit?: number } = {}): Promise<Room[]> {
    const out: Room[] = [];
    for await (const page of this.roomPages(query)) out.push(...page);
    return out;
  }

  getRoom(roomId: string): Promise<Room> {
    return this.request('GET', `/agent/rooms/${enc(roomId)}`);
  }

  /** Renames the room, sets its topic or settings (a setting given as null goes back to off); answers the room. */
  updateRoom(roomId: string, patch: RoomPatch): Promise<Room> {
    return this.request('PATCH', `/agent/rooms/${enc(roomId)}`, patch);
  }

  /** Removes the room and its messages for good; its streams end with a `deleted` event. */
  async deleteRoom(roomId: string): Promise<void> {
    await this.requestNoContent('DELETE', `/agent/rooms/${enc(roomId)}`);
  }

  /** New write and read keys, shown this once; the old ones are refused from now on. */
  rotateKeys(roomId: string): Promise<{ roomId: string; keys: RoomKeys }> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/keys`);
  }

  /** Adds a named agent; the answer holds its key, shown this once. */
  addAgent(roomId: string, name: string): Promise<CreatedAgent> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/agents`, { name });
  }

  async listAgents(roomId: string): Promise<Agent[]> {
    return (await this.request<{ agents: Agent[] }>('GET', `/agent/rooms/${enc(roomId)}/agents`)).agents;
  }

  /** Revokes an agent's key at once. */
  async removeAgent(roomId: string, name: string): Promise<void> {
    await this.requestNoContent('DELETE', `/agent/rooms/${enc(roomId)}/agents/${enc(name)}`);
  }

  send(roomId: string, input: MessageInput): Promise<Message> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/messages`, input);
  }

  /** Replaces a message's content by "[redacted]" for good (seq and sender kept); answers the redacted message. */
  redactMessage(roomId: string, seq: number): Promise<Message> {
    return this.request('DELETE', `/agent/rooms/${enc(roomId)}/messages/${seq}`);
  }

  async sendBatch(roomId: string, inputs: MessageInput[]): Promise<Message[]> {
    return (await this.request<History>('POST', `/agent/rooms/${enc(roomId)}/messages`, inputs)).messages;
  }

  async history(roomId: string, query: HistoryQuery = {}): Promise<Message[]> {
    const params = new URLSearchParams();
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.wait !== undefined) params.set('wait', String(query.wait));
    if (query.thread !== undefined) params.set('thread', query.thread);
    const as = query.as ?? this.as;
    if (as !== undefined) params.set('as', as);
    const qs = params.size > 0 ? `?${params}` : '';
    const call = { ...(query.signal && { signal: query.signal }), ...(query.wait !== undefined && { waitSeconds: query.wait }) };
    return (await this.request<History>('GET', `/agent/rooms/${enc(roomId)}/history${qs}`, undefined, call)).messages;
  }

  /** Every message of the room, oldest first, paging through history 1,000 at a time. */
  async readAll(roomId: string): Promise<Message[]> {
    const out: Message[] = [];
    for (let after = 0; ; ) {
      const page = await this.history(roomId, { after, limit: HISTORY_MAX_LIMIT });
      if (page.length === 0) return out;
      out.push(...page);
      after = page.at(-1)!.seq;
    }
  }

  /** The newest `limit` messages matching the text, sender and/or `to` (addressed or @mentioned), oldest first. */
  async search(roomId: string, query: { q?: string; sender?: string; to?: string; limit?: number }): Promise<Message[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return (await this.request<History>('GET', `/agent/rooms/${enc(roomId)}/search?${params}`)).messages;
  }

  /** Long-polls until a message past `after` matches the filters; undefined when the timeout passes first. */
  async waitFor(roomId: string, query: WaitQuery = {}): Promise<Message | undefined> {
    return (await this.waitForMessages(roomId, query)).messages[0];
  }

  /**
   * Long-polls until messages past `after` match the filters (the server applies them: src/api/wait-rule.ts): returns
   * the matching ones of the first answer that has any, and the seq to continue from (`after` next time), which never
   * passes a match it did not return. Without `after` the server picks the start: after this caller's own latest
   * message in the room (`as`, or an agent key's name), else the newest. No messages means the timeout passed first.
   */
  async waitForMessages(roomId: string, query: WaitQuery = {}): Promise<{ messages: Message[]; cursor: number }> {
    let after = query.after;
    const deadline = query.timeoutMs === undefined ? Infinity : Date.now() + query.timeoutMs;
    for (let first = true; ; first = false) {
      const left = deadline - Date.now();
      if (after !== undefined && !first && (left <= 0 || query.signal?.aborted)) return { messages: [], cursor: after };
      // Given a seq to start from, ask first without waiting: a message already there comes at once, and a server
      // that never answers is found within the timeout rather than after a whole long-poll.
      const wait = first && after !== undefined ? 0 : Math.min(MAX_WAIT_SECONDS, Math.max(0, Math.ceil(left / 100) / 10));
      const params = new URLSearchParams({ limit: String(HISTORY_MAX_LIMIT), wait: String(wait) });
      if (after !== undefined) params.set('after', String(after));
      for (const key of ['from', 'to', 'type'] as const) if (query[key] !== undefined) params.set(key, query[key]);
      const as = query.as ?? this.as;
      if (as !== undefined) params.set('as', as);
      const call = { ...(query.signal && { signal: query.signal }), waitSeconds: wait };
      const page = await this.request<History>('GET', `/agent/rooms/${enc(roomId)}/history?${params}`, undefined, call);
      after = page.cursor ?? page.messages.at(-1)?.seq ?? after ?? 0;
      if (page.messages.length > 0) return { messages: page.messages, cursor: after };
    }
  }

  /** Every message past `after`, live, reconnecting with Last-Event-ID whenever the connection drops. */
  async *stream(roomId: string, query: StreamQuery = {}): AsyncGenerator<Message> {
    let last = query.after;
    const params = new URLSearchParams();
    const as = query.as ?? this.as;
    if (as !== undefined) params.set('as', as);
    for (const key of ['from', 'to', 'type'] as const) if (query[key] !== undefined) params.set(key, query[key]);
    const path = `/agent/rooms/${enc(roomId)}/stream${params.size > 0 ? `?${params}` : ''}`;
    while (!query.signal?.aborted) {
      let res: FetchResponse;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (last !== undefined) headers['last-event-id'] = String(last);
        // The timeout covers the start of the answer only: a stream then stays open for as long as it is read.
        res = await this.call('GET', path, { headers, ...(query.signal && { signal: query.signal }) }, async (r) => r);
      } catch (err) {
        if (query.signal?.aborted) return;
        if (!(err instanceof ServerUnreachableError)) throw err;
        query.onState?.('retrying', (err.cause as Error | undefined)?.message ?? err.reason);
        await sleep(query.retryMs ?? 1000, query.signal);
        continue;
      }
      if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
        throw new NotImServerError(this.baseUrl, res.status, res.headers.get('content-type') ?? '');
      }
      query.onState?.('open');
      try {
        for await (const event of parseSse(res.body)) {
          if (event.event !== 'message') {
            query.onEvent?.(event.event, event.data);
            if (event.event === 'deleted') return;
            continue;
          }
          const message = JSON.parse(event.data) as Message;
          last = message.seq;
          yield message;
        }
      } catch (err) {
        if (query.signal?.aborted) return;
        query.onState?.('retrying', (err as Error).message);
      }
      await sleep(query.retryMs ?? 1000, query.signal);
    }
  }

  /** Who listens on the room now, and when each name was last seen and last posted. */
  presence(roomId: string): Promise<RoomPresence> {
    return this.request('GET', `/agent/rooms/${enc(roomId)}/presence`);
  }

  /** A name's unread messages (to it, @mentioning it, or to everyone), oldest first; reading moves no cursor. */
  inbox(roomId: string, query: InboxQuery = {}): Promise<Inbox> {
    const params = new URLSearchParams();
    const as = query.as ?? this.as;
    if (as !== undefined) params.set('as', as);
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.wait !== undefined) params.set('wait', String(query.wait));
    const qs = params.size > 0 ? `?${params}` : '';
    const call = { ...(query.signal && { signal: query.signal }), ...(query.wait !== undefined && { waitSeconds: query.wait }) };
    return this.request('GET', `/agent/rooms/${enc(roomId)}/inbox${qs}`, undefined, call);
  }

  /** Marks a name's inbox read through `seq` (the cursor never moves back); answers the cursor after. */
  ackInbox(roomId: string, seq: number, as: string | undefined = this.as): Promise<InboxCursor> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/inbox/ack`, { seq, ...(as !== undefined && { as }) });
  }

  /** Adds a webhook; the answer holds its signing secret, shown this once. */
  createWebhook(roomId: string, input: WebhookInput): Promise<CreatedWebhook> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/webhooks`, input);
  }

  async listWebhooks(roomId: string): Promise<Webhook[]> {
    return (await this.request<WebhookList>('GET', `/agent/rooms/${enc(roomId)}/webhooks`)).webhooks;
  }

  /** Removes a webhook and answers it as it was. */
  deleteWebhook(roomId: string, hookId: string): Promise<Webhook> {
    return this.request('DELETE', `/agent/rooms/${enc(roomId)}/webhooks/${enc(hookId)}`);
  }

  /** Makes a paused webhook active again; it retries at once. */
  resumeWebhook(roomId: string, hookId: string): Promise<Webhook> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/webhooks/${enc(hookId)}/resume`);
  }

  /** The whole room (as it is when the export begins) as JSON Lines or Markdown text; with `write`, handed to it as it
   *  arrives instead (the answer is then empty), so a large room is never held whole. */
  exportRoom(roomId: string, format: 'jsonl' | 'markdown', write?: (text: string) => void): Promise<string> {
    return this.call('GET', `/agent/rooms/${enc(roomId)}/export?format=${format}`, {}, async (res) => {
      if (!write || !res.body) return res.text();
      const decoder = new TextDecoder();
      // Both body kinds iterate (a web stream does on Node), as parseSse reads them.
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) write(decoder.decode(chunk, { stream: true }));
      write(decoder.decode());
      return '';
    });
  }

  private request<T>(method: string, path: string, body?: unknown, call: CallOptions = {}): Promise<T> {
    const json = body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    return this.call(method, path, { ...call, ...json }, async (res) => {
      if (!isJson(res)) throw new NotImServerError(this.baseUrl, res.status, res.headers.get('content-type') ?? '');
      return (await res.json()) as T;
    });
  }

  /** A call answered with 204 and no body. */
  private requestNoContent(method: string, path: string): Promise<void> {
    return this.call(method, path, {}, async () => undefined);
  }

  /**
   * Makes one call and reads its answer with `read`, both within the timeout (plus the long-poll's wait). A failure
   * comes out as ApiError (the server said no), ServerUnreachableError or NotImServerError; the caller's own abort
   * comes out as the AbortError it is.
   */
  private async call<T>(method: string, path: string, call: CallOptions, read: (res: FetchResponse) => Promise<T>): Promise<T> {
    const ms = this.timeoutMs > 0 ? this.timeoutMs + (call.waitSeconds ?? 0) * 1000 : Infinity;
    const deadline = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal, deadline.signal]) : deadline.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Raced rather than trusted to the signal: a fetch that ignores it (an in-process app) must not hang the caller.
    const timedOut = new Promise<never>((_, reject) => {
      if (ms === Infinity) return;
      timer = setTimeout(() => {
        deadline.abort();
        reject(new ServerUnreachableError(this.baseUrl, 'timeout', { timeoutMs: ms }));
      }, ms);
    });
    const answer = async (): Promise<T> => {
      let res: FetchResponse;
      try {
        res = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers: { ...this.auth, ...call.headers },
          ...(call.body !== undefined && { body: call.body }),
          signal,
        });
      } catch (err) {
        if (call.signal?.aborted || deadline.signal.aborted) throw err;
        throw new ServerUnreachableError(this.baseUrl, closedUnanswered(err) ? 'closed' : 'refused', { cause: err });
      }
      if (!res.ok) throw await this.toError(res);
      return read(res);
    };
    try {
      return await Promise.race([answer(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The server's error answer, or, when it is not in the API's error shape, what answered instead. */
  private async toError(res: FetchResponse): Promise<Error> {
    const text = await res.text().catch(() => '');
    if (isJson(res)) {
      try {
        const { error } = JSON.parse(text) as ErrorBody;
        if (error?.message) return new ApiError(res.status, error.code, error.message);
      } catch {
        // not our error shape: fall through
      }
    }
    // Node itself answers some errors (408, 431) with no body; anything with a body of its own is not our server.
    if (text.trim() !== '') return new NotImServerError(this.baseUrl, res.status, res.headers.get('content-type') ?? '');
    return new ApiError(res.status, 'http_error', `HTTP ${res.status} ${res.statusText}`.trim());
  }
}

interface CallOptions {
  signal?: AbortSignal;
  /** A long-poll's wait in seconds, added to the timeout. */
  waitSeconds?: number;
  headers?: Record<string, string>;
  body?: string;
}

const enc = encodeURIComponent;

const isJson = (res: FetchResponse): boolean => /^application\/json\b/i.test(res.headers.get('content-type') ?? '');

/** The connection was made, then closed before an answer: not "nothing listens". */
function closedUnanswered(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
