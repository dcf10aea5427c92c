// Server-Sent Events: the backlog past `after` / Last-Event-ID, then every new message live, with heartbeats.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { HISTORY_MAX_LIMIT } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import type { Store } from '../../store/store.js';
import type { ServerDeps } from '../context.js';
import { HttpError } from '../errors.js';
import { queryInt } from '../request.js';
import { SSE_HEADERS, nodeSink, webSink, type SseSink } from '../sse-sink.js';
import { findRoom } from './room-param.js';

export function streamRoutes({ store, heartbeatMs }: ServerDeps): Hono {
  const app = new Hono();

  app.get('/rooms/:id/stream', async (c) => {
    const room = await findRoom(store, c.req.param('id'));
    const lastEventId = c.req.header('last-event-id');
    if (lastEventId !== undefined && !/^\d+$/.test(lastEventId)) {
      throw new HttpError(400, 'invalid_last_event_id', `Last-Event-ID must be a message seq (got "${lastEventId}").`);
    }
    // Resume point: Last-Event-ID (set by a reconnecting EventSource) wins over ?after; neither means "from now".
    const start = lastEventId !== undefined ? Number(lastEventId) : (queryInt(c, 'after', { min: 0 }) ?? room.lastSeq);
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing) {
      void pump(nodeSink(outgoing), store, room.id, start, heartbeatMs);
      return RESPONSE_ALREADY_SENT;
    }
    for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
    return streamSSE(c, (stream) => pump(webSink(stream), store, room.id, start, heartbeatMs));
  });

  return app;
}

const frames = new WeakMap<Message, string>();

/** Serialised once per message, however many subscribers it goes to. */
function frame(m: Message): string {
  let f = frames.get(m);
  if (f === undefined) {
    f = `id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`;
    frames.set(m, f);
  }
  return f;
}

async function pump(sink: SseSink, store: Store, roomId: string, start: number, heartbeatMs: number): Promise<void> {
  let sent = start;
  const live: Message[] = [];
  let wake: (() => void) | undefined;
  // Subscribe before reading the backlog, so nothing that lands in between is missed; `sent` drops repeats.
  const unsubscribe = store.subscribe(roomId, (messages) => {
    live.push(...messages);
    wake?.();
  });
  const heartbeat = setInterval(() => void sink.write(': ping\n\n'), heartbeatMs);
  sink.onClose(() => wake?.());
  const send = async (messages: readonly Message[]) => {
    for (const m of messages) {
      if (m.seq <= sent || sink.closed) continue;
      await sink.write(frame(m));
      sent = m.seq;
    }
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
    unsubscribe();
  }
}
