// A hostile webhook receiver on 127.0.0.1: answers each request 200 at once, then trickles its body a byte a second.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEachTest } from './hooks.js';

export interface TricklingReceiver {
  url: string;
  /** Requests answered so far. */
  readonly requests: number;
  /** Connections open now, and the most open at once. */
  readonly open: number;
  readonly maxOpen: number;
  close(): Promise<void>;
}

const closers = new Set<() => Promise<void>>();
afterEachTest(async () => {
  await Promise.all([...closers].map((close) => close()));
});

export async function startTricklingReceiver(): Promise<TricklingReceiver> {
  const sockets = new Set<Socket>();
  let requests = 0;
  let maxOpen = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', () => {});
    socket.once('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
    // Each request arrives whole in one go (a small POST); a kept-alive connection may carry the next one.
    socket.on('data', (chunk: Buffer) => {
      if (!chunk.includes('\r\n\r\n')) return;
      requests++;
      clearInterval(timer);
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100000\r\n\r\n');
      timer = setInterval(() => socket.write('x'), 1000);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const close = async () => {
    closers.delete(close);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  closers.add(close);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get requests() {
      return requests;
    },
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    close,
  };
}
