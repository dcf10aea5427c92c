// The one place that opens a socket: serves the app on host:port (with its fast send path) and drains it at shutdown.
import { getRequestListener, type ServerType } from '@hono/node-server';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody } from './errors.js';
import { requestIdFor } from './gate/request-id.js';

export interface Listening {
  url: string;
  port: number;
  server: ServerType;
  /** Takes no new work: no new connections, and a request that arrives on an open keep-alive connection gets the
   *  503 `shutting_down` (nothing of it was stored, so a retry is safe). Resolves once every answer in flight is out. */
  drain(maxWaitMs?: number): Promise<void>;
  /** Cuts every connection that is left. */
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`Port ${port} on ${host} is already in use. Pick another with --port (--port 0 takes any free one).`);
    this.name = 'PortInUseError';
  }
}

/** Anything with a fetch handler, e.g. the app from createApp (whose fast send path is then used). */
export interface Fetchable {
  fetch: Parameters<typeof getRequestListener>[0];
  withFastSend?: (listener: RequestListener) => RequestListener;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** A client must send its whole request within this time (headers within the smaller of this and 10 s). */
  requestTimeoutMs?: number;
  /** Put the app's fast send path in front (default true); off only to compare the two in tests and benchmarks. */
  fastPath?: boolean;
}

const SHUTTING_DOWN = (id: string) =>
  JSON.stringify(errorBody('shutting_down', 'The server is shutting down; nothing of this request was stored. Retry in a moment.', id));

/**
 * Serves `app` (from createApp, or anything with a `fetch` handler) on `host:port` with Node's HTTP server; port 0
 * takes a free one (read it from `port` or `url`). Resolves once listening; rejects with PortInUseError when the port
 * is taken. At shutdown call `drain()` (answers in flight go out, new requests get 503), then `close()`.
 */
export function listen(app: Fetchable, { host, port, requestTimeoutMs = 30_000, fastPath = true }: ListenOptions): Promise<Listening> {
  return new Promise((resolve, reject) => {
    // A client that trickles its headers or body is cut off (408) instead of holding a socket forever.
    const serverOptions = {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 10_000),
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    };
    const base: RequestListener = getRequestListener(app.fetch, { hostname: host });
    const inner = fastPath && app.withFastSend ? app.withFastSend(base) : base;
    let draining = false;
    let inFlight = 0;
    let idle: (() => void) | undefined;
    const listener: RequestListener = (incoming, outgoing) => {
      if (draining) {
        const json = SHUTTING_DOWN(requestIdFor(incoming.headers['x-request-id']));
        outgoing.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), connection: 'close', 'retry-after': '1' });
        outgoing.end(json);
        return;
      }
      inFlight++;
      outgoing.on('close', () => {
        if (--inFlight === 0) idle?.();
      });
      inner(incoming, outgoing);
    };
    const server = createServer(serverOptions, listener);
    server.listen(port, host, () => {
      const info = server.address() as AddressInfo;
      server.off('error', onError);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        server,
        drain: (maxWaitMs = 5000) => {
          draining = true;
          server.close();
          server.closeIdleConnections();
          if (inFlight === 0) return Promise.resolve();
          return new Promise<void>((done) => {
            const timer = setTimeout(done, maxWaitMs);
            idle = () => (clearTimeout(timer), done());
          });
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
    const onError = (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port) : err);
    server.once('error', onError);
  });
}
