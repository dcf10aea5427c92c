// The one place that opens a socket: serves a Hono app on host:port and reports the real address.
import { serve, type ServerType } from '@hono/node-server';
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
  fetch: Parameters<typeof serve>[0]['fetch'];
}

export function listen(app: Fetchable, { host, port }: { host: string; port: number }): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
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
    if ('requestTimeout' in server) {
      // A client that trickles its headers or body is cut off instead of holding a socket forever.
      server.headersTimeout = 10_000;
      server.requestTimeout = 30_000;
    }
  });
}
