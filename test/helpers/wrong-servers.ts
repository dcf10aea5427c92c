// Listeners on 127.0.0.1 that are not a working im-for-agents server, closed after each test: the client must say which.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEachTest } from './hooks.js';

const open: { server: Server; sockets: Set<Socket> }[] = [];

afterEachTest(async () => {
  await Promise.all(
    open.splice(0).map(({ server, sockets }) => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

async function listening(server: Server): Promise<string> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  open.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

export type WrongServer = 'silent' | 'closing' | 'html' | 'html-404';

/** silent: accepts and never answers; closing: accepts and closes at once; html: another web server (200 or 404 pages). */
export function wrongServer(kind: WrongServer): Promise<string> {
  switch (kind) {
    case 'silent':
      return listening(createServer(() => {}));
    case 'closing':
      return listening(createServer((s) => s.destroy()));
    case 'html':
    case 'html-404':
      return listening(
        createHttpServer((_req, res) => {
          res.writeHead(kind === 'html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<!doctype html>\n<html>\n<head><title>Another app</title></head>\n<body>\n<h1>Welcome</h1>\n</body>\n</html>\n');
        }),
      );
  }
}
