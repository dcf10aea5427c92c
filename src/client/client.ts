// The one typed HTTP client of the API, used by the CLI, the tests and the MCP server.
import { HISTORY_MAX_LIMIT, MAX_WAIT_SECONDS } from '../api/limits.js';
import type { CreatedRoom, ErrorBody, History, Message, MessageInput, Room } from '../api/types.js';
import type { CreatedWebhook, Webhook, WebhookInput, WebhookList } from '../api/webhooks.js';
import { ApiError, ServerUnreachableError } from './errors.js';
import { parseSse } from './sse.js';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:7331 */
  baseUrl: string;
  /** Injectable for in-process tests (`app.request`). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** A room key or the admin token, sent as `Authorization: Bearer KEY`. */
  key?: string;
}

export interface HistoryQuery {
  after?: number;
  limit?: number;
  /** Long-poll: seconds to wait for a message past `after`. */
  wait?: number;
  signal?: AbortSignal;
}

export interface WaitQuery {
  /** Wait for a message past this seq; default: the room's newest message when the wait starts. */
  after?: number;
  from?: string;
  to?: string;
  /** Give up after this many milliseconds; default never. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StreamQuery {
  /** Start past this seq; default: only messages from now on. */
  after?: number;
  signal?: AbortSignal;
  /** Milliseconds before reconnecting after the connection drops. */
  retryMs?: number;
  /** Told about connection state changes, for UIs and `tail -f` diagnostics. */
  onState?: (state: 'open' | 'retrying', detail?: string) => void;
}

export class Client {
  readonly baseUrl: string;
  private readonly fetchImpl: NonNullable<ClientOptions['fetch']>;
  private readonly auth: Record<string, string>;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.auth = options.key ? { authorization: `Bearer ${options.key}` } : {};
  }

  health(): Promise<{ ok: boolean; name: string; version: string; auth: boolean }> {
    return this.request('GET', '/agent/health');
  }

  createRoom(name: string): Promise<CreatedRoom> {
    return this.request('POST', '/agent/rooms', { name });
  }

  async listRooms(): Promise<Room[]> {
    return (await this.request<{ rooms: Room[] }>('GET', '/agent/rooms')).rooms;
  }

  getRoom(roomId: string): Promise<Room> {
    return this.request('GET', `/agent/rooms/${enc(roomId)}`);
  }

  send(roomId: string, input: MessageInput): Promise<Message> {
    return this.request('POST', `/agent/rooms/${enc(roomId)}/messages`, input);
  }

  async sendBatch(roomId: string, inputs: MessageInput[]): Promise<Message[]> {
    return (await this.request<History>('POST', `/agent/rooms/${enc(roomId)}/messages`, inputs)).messages;
  }

  async history(roomId: string, query: HistoryQuery = {}): Promise<Message[]> {
    const params = new URLSearchParams();
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.wait !== undefined) params.set('wait', String(query.wait));
    const qs = params.size > 0 ? `?${params}` : '';
    const init = query.signal ? { signal: query.signal } : {};
    return (await this.request<History>('GET', `/agent/rooms/${enc(roomId)}/history${qs}`, undefined, init)).messages;
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

  /** The newest `limit` messages matching the text and/or sender, oldest first. */
  async search(roomId: string, query: { q?: string; sender?: string; limit?: number }): Promise<Message[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return (await this.request<History>('GET', `/agent/rooms/${enc(roomId)}/search?${params}`)).messages;
  }

  /** Long-polls until a message past `after` matches the filters; undefined when the timeout passes first. */
  async waitFor(roomId: string, query: WaitQuery = {}): Promise<Message | undefined> {
    return (await this.waitForMessages(roomId, query)).messages[0];
  }

  /**
   * Long-polls until messages past `after` match the filters: returns the matching ones of the first page that has
   * any, and the seq to continue from (`after` next time). No messages means the timeout passed first.
   */
  async waitForMessages(roomId: string, query: WaitQuery = {}): Promise<{ messages: Message[]; cursor: number }> {
    let after = query.after ?? (await this.getRoom(roomId)).lastSeq;
    const deadline = query.timeoutMs === undefined ? Infinity : Date.now() + query.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || query.signal?.aborted) return { messages: [], cursor: after };
      const wait = Math.min(MAX_WAIT_SECONDS, Math.ceil(left / 100) / 10);
      const page = await this.history(roomId, { after, wait, limit: 1000, ...(query.signal && { signal: query.signal }) });
      if (page.length > 0) after = page.at(-1)!.seq;
      const messages = page.filter(
        (m) => (query.from === undefined || m.sender === query.from) && (query.to === undefined || (m.to?.includes(query.to) ?? false)),
      );
      if (messages.length > 0) return { messages, cursor: after };
    }
  }

  /** Every message past `after`, live, reconnecting with Last-Event-ID whenever the connection drops. */
  async *stream(roomId: string, query: StreamQuery = {}): AsyncGenerator<Message> {
    let last = query.after;
    const url = `${this.baseUrl}/agent/rooms/${enc(roomId)}/stream`;
    while (!query.signal?.aborted) {
      let res: Response;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', ...this.auth };
        if (last !== undefined) headers['last-event-id'] = String(last);
        res = await this.fetchImpl(url, { headers, ...(query.signal && { signal: query.signal }) });
      } catch (err) {
        if (query.signal?.aborted) return;
        query.onState?.('retrying', (err as Error).message);
        await sleep(query.retryMs ?? 1000, query.signal);
        continue;
      }
      if (!res.ok || !res.body) throw await toApiError(res);
      query.onState?.('open');
      try {
        for await (const event of parseSse(res.body)) {
          if (event.event !== 'message') continue;
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

  private async request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        ...init,
        method,
        headers: { ...this.auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ServerUnreachableError(this.baseUrl, { cause: err });
    }
    if (!res.ok) throw await toApiError(res);
    return (await res.json()) as T;
  }

  /** The whole room as JSON Lines or Markdown text. */
  async exportRoom(roomId: string, format: 'jsonl' | 'markdown'): Promise<string> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}/agent/rooms/${enc(roomId)}/export?format=${format}`, { headers: this.auth });
    } catch (err) {
      throw new ServerUnreachableError(this.baseUrl, { cause: err });
    }
    if (!res.ok) throw await toApiError(res);
    return res.text();
  }
}

const enc = encodeURIComponent;

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    if (error?.message) return new ApiError(res.status, error.code, error.message);
  } catch {
    // not our error shape: fall through
  }
  return new ApiError(res.status, 'http_error', `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
