// Server-Sent Events: the backlog past `after` / Last-Event-ID, then every new message live, with heartbeats.
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { HISTORY_MAX_LIMIT } from '../../api/limits.js';
import type { Message } from '../../api/types.js';
import type { ServerDeps } from '../context.js';
import { HttpError } from '../errors.js';
import { queryInt } from '../request.js';
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
    c.header('Cache-Control', 'no-cache, no-transform');
    c.header('X-Accel-Buffering', 'no');

    return streamSSE(c, async (stream) => {
      let sent = start;
      const live: Message[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = store.subscribe(room.id, (messages) => {
        live.push(...messages);
        wake?.();
      });
      const heartbeat = setInterval(() => void stream.write(': ping\n\n').catch(() => {}), heartbeatMs);
      stream.onAbort(() => wake?.());
      const send = async (messages: readonly Message[]) => {
        for (const m of messages) {
          if (m.seq <= sent) continue;
          await writeMessage(stream, m);
          sent = m.seq;
        }
      };
      try {
        await stream.write(`retry: 1000\n\n`);
        for (;;) {
          const page = await store.read(room.id, { after: sent, limit: HISTORY_MAX_LIMIT });
          if (page.length === 0 || stream.aborted) break;
          await send(page);
        }
        while (!stream.aborted) {
          if (live.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          await send(live.splice(0));
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });

  return app;
}

function writeMessage(stream: SSEStreamingApi, m: Message): Promise<void> {
  return stream.writeSSE({ id: String(m.seq), event: 'message', data: JSON.stringify(m) });
}
