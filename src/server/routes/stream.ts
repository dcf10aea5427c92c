// Server-Sent Events: the backlog past `after` / Last-Event-ID, then every new message live, with heartbeats.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Message } from '../../api/types.js';
import { messageJson } from '../../store/message-json.js';
import type { ServedStore } from '../../store/store.js';
import type { ServerDeps } from '../context.js';
import { nodeOf, type AppEnv } from '../env.js';
import { describeError } from '../errors.js';
import { queryInt, waitFilter, wholeNumber } from '../request.js';
import { waitStartFor } from '../wait.js';
import { hasFilter, matchesWait } from '../../api/wait-rule.js';
import { PAGE_CHARS, RoomCursor } from '../room-cursor.js';
import { SSE_HEADERS, nodeSink, webSink, type SseSink } from '../sse-sink.js';
import { streamOwner } from '../streams.js';
import { callerName } from '../caller-name.js';
import { roomParam } from './room-param.js';

interface PumpOptions {
  store: ServedStore;
  roomId: string;
  start: number;
  heartbeatMs: number;
  idleMs: number;
  /** Logs a store failure and returns the last frame that tells the client about it. */
  failed: (err: unknown) => string;
  /** Only the messages the wait rule's filter takes (`from`, `to`, `type`); all without it. */
  match: ((m: Message) => boolean) | undefined;
}

export function streamRoutes({ store, heartbeatMs, streams, presence, log }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/stream', async (c) => {
    const room = await roomParam(c, store, 'read');
    const name = await callerName(c, store, room.id);
    const filter = waitFilter(c);
    const match = hasFilter(filter) ? (m: Message) => matchesWait(m, filter) : undefined;
    const start = resumePoint(c, room.lastSeq) ?? (await waitStartFor(store, room, name));
    const where = `[${c.get('requestId')}] stream of ${room.id}`;
    const failed = (err: unknown) => {
      const { body } = describeError(err, c.get('requestId'), where, log);
      return `event: error\ndata: ${JSON.stringify(body.error)}\n\n`;
    };
    const options: PumpOptions = { store, roomId: room.id, start, heartbeatMs, idleMs: streams.limits.idleMs, failed, match };
    // Admit before any byte is written, so a refusal is still a proper 429.
    let end: () => void = () => {};
    const release = streams.admit(streamOwner(c), { end: () => end() });
    // Listening (presence) for as long as the stream is open.
    const unlisten = name === undefined ? () => {} : presence.listen(room.id, name);
    const pumpWith = (sink: SseSink) => {
      end = () => void sink.end('event: shutdown\ndata: {"reason":"the server is shutting down; reconnect with Last-Event-ID"}\n\n');
      return pump(sink, options).finally(() => (unlisten(), release()));
    };
    const { outgoing } = nodeOf(c);
    if (outgoing) {
      void pumpWith(nodeSink(outgoing));
      return RESPONSE_ALREADY_SENT;
    }
    for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
    return streamSSE(c, (stream) => pumpWith(webSink(stream)));
  });

  return app;
}

/** Last-Event-ID (sent by a reconnecting EventSource) wins over ?after; neither leaves the start to the wait rule
 *  (waitStartFor). Both are checked alike: past the newest seq nothing would ever arrive, so that is a 400 too. */
function resumePoint(c: Context<AppEnv>, lastSeq: number): number | undefined {
  const lastEventId = c.req.header('last-event-id');
  if (lastEventId !== undefined) return wholeNumber(lastEventId, 'Last-Event-ID', { min: 0, max: lastSeq, code: 'invalid_last_event_id' });
  return queryInt(c, 'after', { min: 0, max: lastSeq });
}

function frame(m: Message): string {
  return `id: ${m.seq}\nevent: message\ndata: ${messageJson(m)}\n\n`;
}

/** The frames of the messages a commit handed to its room's listeners, built once for all of them (the store calls
 *  every listener of a room with the same array, one after another); undefined when they are more than a page. */
let framed: { messages: readonly Message[]; text: string | undefined } | undefined;

function framesOf(messages: readonly Message[]): string | undefined {
  if (framed?.messages !== messages) {
    let chars = 0;
    for (const m of messages) chars += messageJson(m).length;
    let text: string | undefined;
    if (chars <= PAGE_CHARS) {
      text = '';
      for (const m of messages) text += frame(m);
    }
    framed = { messages, text };
  }
  return framed.text;
}

/**
 * Writes the room from `start` on, reading it from the store page by page and waiting for the reader to take each
 * page. New messages only mark that there is more to read: a subscriber that stops reading holds one page, however
 * much lands meanwhile. A store failure ends the stream with an `error` event, so the client reconnects and resumes.
 */
async function pump(sink: SseSink, { store, roomId, start, heartbeatMs, idleMs, failed, match }: PumpOptions): Promise<void> {
  const cursor = new RoomCursor(store, roomId, start);
  /** Messages redacted past what was written, by seq: a page read before its redaction holds the old text, and is
   *  written with these copies instead (each redaction is told before it is answered). */
  const redacted = new Map<number, Message>();
  let more = true;
  /** The last seq handed to the sink. */
  let written = start;
  let wake: (() => void) | undefined;
  let unsubscribe = () => {};
  // A reader that is behind gets no pings: they would only pile up in front of it.
  const heartbeat = setInterval(() => sink.backedUp || void sink.write(': ping\n\n'), heartbeatMs);
  const timeout = () => void sink.end('event: timeout\ndata: {"reason":"idle"}\n\n');
  const idle = setTimeout(timeout, idleMs);
  sink.onClose(() => wake?.());
  try {
    await sink.write('retry: 1000\n\n');
    try {
      // Subscribed before the first read, so nothing that lands in between is missed.
      const unsubscribeMessages = store.subscribe(roomId, (messages) => {
        // A reader that is caught up and waiting gets the commit's frames at once, from the listener: no read of the
        // store and no turn through the loop below, frames built once for every subscriber. Anything else (a
        // reader behind, a filter, a redaction to apply, a commit larger than a page) goes through the loop.
        if (wake !== undefined && !more && !match && redacted.size === 0 && !sink.backedUp && !sink.closed && messages[0]?.seq === written + 1) {
          const text = framesOf(messages);
          if (text !== undefined) {
            written = messages.at(-1)!.seq;
            cursor.after = written;
            idle.refresh();
            void Promise.resolve(sink.write(text, written)).catch(() => {});
            return;
          }
        }
        more = true;
        wake?.();
      });
      // A deleted room ends its streams with a final event; the client should not reconnect.
      const unsubscribeDelete = store.onDelete(roomId, () => void sink.end('event: deleted\ndata: {"reason":"the room was deleted"}\n\n'));
      // A redacted message is told as it is now (no id: line, so Last-Event-ID still follows the messages).
      const unsubscribeRedact = store.onRedact(roomId, (m) => {
        if (m.seq > written) redacted.set(m.seq, m);
        // Written but still in this process's buffers (a reader that is behind): those bytes must not leave after the
        // redaction's 200, so the stream ends; the client resumes with Last-Event-ID and reads the redacted copy.
        else if (sink.unsent(m.seq)) return sink.cut();
        void Promise.resolve(sink.write(`event: redacted\ndata: ${messageJson(m)}\n\n`)).catch(() => {});
      });
      unsubscribe = () => (unsubscribeMessages(), unsubscribeDelete(), unsubscribeRedact());
    } catch (err) {
      return void (await sink.end(failed(err)));
    }
    while (!sink.closed) {
      if (!more) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      more = false;
      let page: Message[];
      try {
        page = await cursor.next();
      } catch (err) {
        return void (await sink.end(failed(err)));
      }
      if (page.length === 0 || sink.closed) continue;
      more = true;
      written = page.at(-1)!.seq;
      if (redacted.size > 0) {
        page = page.map((m) => redacted.get(m.seq) ?? m);
        for (const seq of redacted.keys()) if (seq <= written) redacted.delete(seq);
      }
      if (match) page = page.filter(match);
      if (page.length === 0) continue;
      await sink.write(page.length === 1 ? frame(page[0]!) : page.map(frame).join(''), written);
      idle.refresh();
    }
  } catch {
    // The reader went away mid-write: nothing to answer.
  } finally {
    clearInterval(heartbeat);
    clearTimeout(idle);
    unsubscribe();
  }
}
