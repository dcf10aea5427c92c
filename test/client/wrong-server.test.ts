// The client against listeners that are not an im-for-agents server: each failure has its own error, with both fetches.
import { describe, expect, test } from 'vitest';
import { Client, type FetchLike } from '../../src/client/client.js';
import { NotImServerError, ServerUnreachableError } from '../../src/client/errors.js';
import { nodeFetch } from '../../src/client/node-fetch.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { wrongServer, type WrongServer } from '../helpers/wrong-servers.js';

const fetches: [string, FetchLike | undefined][] = [
  ['node fetch (the default)', undefined],
  ['the CLI node:http fetch', nodeFetch()],
];

describe.each(fetches)('client with %s', (_name, fetch) => {
  const client = (baseUrl: string, timeoutMs = 300) => new Client({ baseUrl, timeoutMs, ...(fetch && { fetch }) });

  test.each<[WrongServer, abstract new (...args: never[]) => Error, object]>([
    ['silent', ServerUnreachableError, { reason: 'timeout', message: expect.stringMatching(/^No answer from http:\/\/127\.0\.0\.1:\d+ within 0\.3 s/) }],
    ['closing', ServerUnreachableError, { reason: 'closed', message: expect.stringMatching(/closed the connection without answering/) }],
    ['html', NotImServerError, { status: 200, contentType: 'text/html; charset=utf-8' }],
    ['html-404', NotImServerError, { status: 404, message: expect.not.stringMatching(/<html>|\n/) }],
  ])('a %s listener is told apart', async (kind, type, expected) => {
    const url = await wrongServer(kind);
    for (const call of [(c: Client) => c.listRooms(), (c: Client) => c.send('r'.repeat(26), { sender: 'a', content: 'b' })]) {
      const err = await call(client(url)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect(err).toMatchObject(expected);
    }
  });

  test('nothing listening is "refused"', async () => {
    const err = await client('http://127.0.0.1:9').health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerUnreachableError);
    expect(err).toMatchObject({ reason: 'refused' });
  });

  test('a stream from a listener that sends a web page fails instead of retrying forever', async () => {
    const url = await wrongServer('html');
    const stream = client(url).stream('r'.repeat(26), { retryMs: 10 });
    await expect(stream.next()).rejects.toBeInstanceOf(NotImServerError);
  });

  test('a long-poll may take its wait on top of the timeout', async () => {
    const server = await startServer(await tempDir());
    const { roomId } = await client(server.url, 10_000).createRoom('slow');
    const t0 = Date.now();
    // Answered after 2 s, past the 1 s timeout: the wait is added to it.
    expect(await client(server.url, 1000).history(roomId, { after: 0, wait: 2 })).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });
});
