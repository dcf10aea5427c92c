// Server-Sent Events: the backlog past `after` / Last-Event-ID, then every new message live, with heartbeats.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { HISTORY_MAX_LIMIT } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import { messageJson } from '../../store/message-json.js';
import type { Store } from '../../store/store.js';
import { authorizeRoom } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { queryInt } from '../request.js';
import { SSE_HEADERS, nodeSink, webSink, type SseSink } from '../sse-sink.js';
import type { StreamRegistry } from '../streams.js';
import { findRoom } from './room-param.js';

interface PumpOptions {
  store: Store;
  roomId: string;
  start: number;
  heartbeatMs: number;
  idleMs: number;
  /** Counts the stream in (or throws a 429) and returns its release. */
  admit: (end: () => void) => () => void;
}

export function streamRoutes({ store, heartbeatMs, streams }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/stream', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    const lastEventId = c.req.header('last-event-id');
    if (lastEventId !== undefined && !/^\d+$/.test(lastEventId)) {
      throw new HttpError(400, 'invalid_last_event_id', `Last-Event-ID must be a message seq (got "${lastEventId}").`);
    }
    // Resume point: Last-Event-ID (set by a reconnecting EventSource) wins over ?after; neither means "from now".
    const start = lastEventId !== undefined ? Number(lastEventId) : (queryInt(c, 'after', { min: 0 }) ?? room.lastSeq);
    const options = streamOptions(streams, c.get('clientId'), { store, roomId: room.id, start, heartbeatMs });
    // Admit before any byte is written, so a refusal is still a proper 429.
    let release: (() => void) | undefined;
    let end: () => void = () => {};
    release = options.admit(() => end());
    const pumpWith = (sink: SseSink) => {
      end = () => void sink.end('event: shutdown\ndata: {"reason":"the server is shutting down; reconnect with Last-Event-ID"}\n\n');
      return pump(sink, options).finally(() => release?.());
    };
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing) {
      void pumpWith(nodeSink(outgoing));
      return RESPONSE_ALREADY_SENT;
    }
    for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
    return streamSSE(c, (stream) => pumpWith(webSink(stream)));
  });

  return app;
}

function streamOptions(
  streams: StreamRegistry,
  clientId: string,
  o: Omit<PumpOptions, 'admit' | 'idleMs'>,
): PumpOptions {
  return { ...o, idleMs: streams.limits.idleMs, admit: (end) => streams.admit(clientId, { end }) };
}

const frames = new WeakMap<Message, string>();

/** Serialised once per message, however many subscribers it goes to. */
function frame(m: Message): string {
  let f = frames.get(m);
  if (f === undefined) {
    f = `id: ${m.seq}\nevent: message\ndata: ${messageJson(m)}\n\n`;
    frames.set(m, f);
  }
  return f;
}

async function pump(sink: SseSink, { store, roomId, start, heartbeatMs, idleMs }: PumpOptions): Promise<void> {
  let sent = start;
  const live: Message[] = [];
  let wake: (() => void) | undefined;
  // Subscribe before reading the backlog, so nothing that lands in between is missed; `sent` drops repeats.
  const unsubscribe = store.subscribe(roomId, (messages) => {
    live.push(...messages);
    wake?.();
  });
  const heartbeat = setInterval(() => void sink.write(': ping\n\n'), heartbeatMs);
  let idle = setTimeout(() => void sink.end('event: timeout\ndata: {"reason":"idle"}\n\n'), idleMs);
  sink.onClose(() => wake?.());
  const send = async (messages: readonly Message[]) => {
    for (const m of messages) {
      if (m.seq <= sent || sink.closed) continue;
      await sink.write(frame(m));
      sent = m.seq;
    }
    clearTimeout(idle);
    idle = setTimeout(() => void sink.end('event: timeout\ndata: {"reason":"idle"}\n\n'), idleMs);
  };
  try {
    await sink.write('retry: 1000\n\n');
    for (;;) {
      const page = await store.read(roomId, { after: sent, limit: HISTORY_MAX_LIMIT });
      if (page.length === 0 || sink.closed) break;
      await send(page);
    }
    while (!sink.closed) {
      if (live.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      await send(live.splice(0));
    }
  } catch {
    // The reader went away mid-write, or the store closed: nothing to answer.
  } finally {
    clearInterval(heartbeat);
    clearTimeout(idle);
    unsubscribe();
  }
}
