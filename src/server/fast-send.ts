// The hot path: a well-formed single-message send, stored and answered without building web Request/Response objects.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES } from '../api/limits.js';
import { parseMessageInput } from '../api/schemas.js';
import { ROOM_ID_PATTERN } from '../store/ids.js';
import { messageJson } from '../store/message-json.js';
import type { Store } from '../store/store.js';
import { logToStderr, type AppOptions } from './app.js';
import { describeError } from './errors.js';
import { JSON_CONTENT_TYPE, stashBody } from './request.js';
import { requestIdFor } from './middleware/request-id.js';

type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

export interface FastSendOptions {
  store: Store;
  maxBodyBytes: number;
  log: (message: string) => void;
}

const SEND_PATH = /^\/agent\/rooms\/([^/?]+)\/messages$/;

/**
 * Wraps the app's Node listener. A send that is plainly valid is stored and answered here; anything else (another
 * route, a batch, an error to explain) goes to the app, with the body it already read, so every rule and every error
 * message stays in one place. Only for servers without auth, CORS or rate limits, whose middleware it would skip.
 */
export function withFastSend({ store, maxBodyBytes, log }: FastSendOptions, app: NodeListener): NodeListener {
  /** Stores and answers the send, or hands it to the app when the app has something to explain. */
  async function send(incoming: IncomingMessage, outgoing: ServerResponse, roomId: string, text: string): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      stashBody(incoming, { text });
      return app(incoming, outgoing);
    }
    const handOver = () => {
      stashBody(incoming, { text, parsed: { value: body } });
      app(incoming, outgoing);
    };
    const parsed = Array.isArray(body) ? undefined : parseMessageInput(body);
    if (!parsed?.ok || !(await store.getRoom(roomId))) return handOver();
    // From here the store is asked to write, so the request must not reach the app (it would write again).
    const id = requestIdFor(incoming.headers['x-request-id']);
    let status = 201;
    let json: string;
    try {
      const [message] = await store.append(roomId, [parsed.value]);
      json = messageJson(message!);
    } catch (err) {
      const error = describeError(err, id, `[${id}] POST ${incoming.url}`, log);
      status = error.status;
      json = JSON.stringify(error.body);
    }
    outgoing
      .writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(json),
        'x-request-id': id,
        'x-content-type-options': 'nosniff',
      })
      .end(json);
  }

  return (incoming, outgoing) => {
    const path = incoming.method === 'POST' ? SEND_PATH.exec(incoming.url ?? '')?.[1] : undefined;
    const roomId = path !== undefined && ROOM_ID_PATTERN.test(path) ? path : undefined;
    const length = Number(incoming.headers['content-length']);
    if (!roomId || !(length <= maxBodyBytes) || !JSON_CONTENT_TYPE.test(incoming.headers['content-type'] ?? '')) {
      app(incoming, outgoing);
      return;
    }
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('error', () => outgoing.destroy());
    incoming.once('end', () => {
      send(incoming, outgoing, roomId, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        log(`unexpected error on POST ${incoming.url}: ${(err as Error)?.stack ?? String(err)}`);
        outgoing.destroy();
      });
    });
  };
}

/** The fast path for an app built with these options; none where it would skip their auth, CORS or rate limit. */
export function fastSendFor(options: AppOptions): ((app: RequestListener) => RequestListener) | undefined {
  if (options.auth?.adminTokenHash || options.cors?.length || options.rateLimit) return undefined;
  const fast = { store: options.store, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, log: options.log ?? logToStderr };
  return (app) => withFastSend(fast, app);
}
