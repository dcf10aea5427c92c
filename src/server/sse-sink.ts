// Where SSE frames go: straight onto Node's response when running under @hono/node-server, else a web stream.
import type { ServerResponse } from 'node:http';
import type { SSEStreamingApi } from 'hono/streaming';

export interface SseSink {
  /** Resolves once the frame is handed on and the reader has room for more; `seq` is the last message in the frame. */
  write(frame: string, seq?: number): Promise<void> | void;
  /** Writes a last frame and ends the response; a reader that stopped reading is cut off instead. */
  end(frame: string): Promise<void> | void;
  readonly closed: boolean;
  /** The reader has not taken what was written yet. */
  readonly backedUp: boolean;
  onClose(listener: () => void): void;
  /** Whether the frame of this message was handed on but may not have left the process yet. */
  unsent(seq: number): boolean;
  /** Ends the stream at once, dropping what has not left yet (the client reconnects with Last-Event-ID). */
  cut(): void;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** Writes to the socket without the web-stream layers: a frame to 100 subscribers costs microseconds, not milliseconds. */
export function nodeSink(res: ServerResponse): SseSink {
  let closed = false;
  /** The last seq written to the response, and the last whose bytes Node has handed to the kernel. */
  let handed = 0;
  let flushed = 0;
  const listeners: (() => void)[] = [];
  res.once('close', () => {
    closed = true;
    listeners.splice(0).forEach((l) => l());
  });
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  return {
    get closed() {
      return closed;
    },
    get backedUp() {
      return res.writableNeedDrain;
    },
    onClose: (l) => void (closed ? l() : listeners.push(l)),
    end(frame) {
      if (closed) return;
      // A last frame behind a full buffer would wait for a reader that is not reading: close the socket instead.
      if (res.writableNeedDrain) res.destroy();
      else res.end(frame);
    },
    unsent: (seq) => seq > flushed && seq <= handed,
    cut() {
      if (closed) return;
      // A reset also drops what the kernel still holds, where a frame's first bytes may be.
      const socket = res.socket;
      if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else res.destroy();
    },
    write(frame, seq) {
      if (closed) return;
      if (seq !== undefined) handed = seq;
      if (seq === undefined ? res.write(frame) : res.write(frame, () => (flushed = seq))) return;
      // A slow reader: wait for its buffer to drain (or for it to go away) before writing more.
      return new Promise<void>((resolve) => {
        const done = () => (res.off('drain', done), res.off('close', done), resolve());
        res.on('drain', done);
        res.on('close', done);
      });
    },
  };
}

export function webSink(stream: SSEStreamingApi): SseSink {
  let ended = false;
  let writing = 0;
  const listeners: (() => void)[] = [];
  const closeNow = () => {
    ended = true;
    listeners.splice(0).forEach((l) => l());
  };
  stream.onAbort(closeNow);
  return {
    get closed() {
      return ended || stream.aborted || stream.closed;
    },
    get backedUp() {
      return writing > 0;
    },
    onClose: (l) => void (ended ? l() : listeners.push(l)),
    // An in-process reader (the A2A adapter): what the web streams queue between here and it cannot be taken back.
    unsent: () => false,
    cut: () => void stream.abort(),
    write: async (frame) => {
      writing++;
      try {
        await stream.write(frame);
      } finally {
        writing--;
      }
    },
    end: async (frame) => {
      if (ended) return;
      closeNow();
      await stream.write(frame);
      await stream.close();
    },
  };
}
