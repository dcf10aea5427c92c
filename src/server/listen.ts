// The one place that opens a socket: serves a Hono app on host:port and reports the real address.
import { getRequestListener, type ServerType } from '@hono/node-server';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  server: ServerType;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`Port ${port} on ${host} is already in use. Pick another with --port, e.g. --port ${port + 1}.`);
    this.name = 'PortInUseError';
  }
}

/** Anything with a fetch handler, e.g. the app from createApp. */
export interface Fetchable {
  fetch: Parameters<typeof getRequestListener>[0];
}

export interface ListenOptions {
  host: string;
  port: number;
  /** A client must send its whole request within this time (headers within the smaller of this and 10 s). */
  requestTimeoutMs?: number;
  /** Wraps the app's Node request listener, e.g. with the fast send path. */
  wrap?: (app: RequestListener) => RequestListener;
}

export function listen(app: Fetchable, { host, port, requestTimeoutMs = 30_000, wrap }: ListenOptions): Promise<Listening> {
  return new Promise((resolve, reject) => {
    // A client that trickles its headers or body is cut off (408) instead of holding a socket forever.
    const serverOptions = {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 10_000),
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    };
    const listener: RequestListener = getRequestListener(app.fetch, { hostname: host });
    const server = createServer(serverOptions, wrap ? wrap(listener) : listener);
    server.listen(port, host, () => {
      const info = server.address() as AddressInfo;
      server.off('error', onError);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    const onError = (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port) : err);
    server.once('error', onError);
  });
}
