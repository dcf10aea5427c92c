// Hostile traffic that only a real socket can send: oversized headers, slow bodies, broken HTTP, CRLF in paths.
import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Sends raw bytes, optionally in timed pieces, and resolves with everything the server answered before closing. */
function raw(url: string, pieces: (string | number)[], timeoutMs = 8000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.destroy(), timeoutMs).unref();
    socket.on('connect', async () => {
      for (const p of pieces) {
        if (typeof p === 'number') await new Promise((r) => setTimeout(r, p));
        else if (!socket.destroyed) socket.write(p);
      }
    });
  });
}

describe('hostile sockets', () => {
  test('oversized headers get 431, broken HTTP gets 400, and the server keeps serving', async () => {
    const server = await startServer(await tempDir());
    const client = new Client({ baseUrl: server.url });
    const big = await raw(server.url, [`GET /agent/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`]);
    expect(big).toMatch(/^HTTP\/1.1 431/);
    const junk = await raw(server.url, ['\x16\x03\x01\x02\x00 this is not HTTP\r\n\r\n']);
    expect(junk).toMatch(/^HTTP\/1.1 400/);
    const room = await client.createRoom('still-here');
    expect((await client.send(room.roomId, { sender: 'a', content: 'ok' })).seq).toBe(1);
  });

  test('a client that trickles its body is cut off with 408 while others are served', async () => {
    const server = await startServer(await tempDir(), ['--request-timeout', '1']);
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('slow');
    const body = JSON.stringify({ sender: 'slow', content: 'drip' });
    const slow = raw(server.url, [
      `POST /agent/rooms/${roomId}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body.slice(0, 5),
      ...Array.from({ length: 30 }, (_, i) => [200, body.slice(5 + i, 6 + i)]).flat(),
    ]);
    // Meanwhile everyone else is answered at once.
    for (let i = 0; i < 20; i++) await client.send(roomId, { sender: 'fast', content: `${i}` });
    const answer = await slow;
    expect(answer).toMatch(/^HTTP\/1.1 408/);
    const stored = await client.history(roomId, { limit: 100 });
    expect(stored.map((m) => m.sender)).not.toContain('slow');
    expect(stored).toHaveLength(20);
  });

  test('a slowloris that never finishes its headers is dropped', async () => {
    const server = await startServer(await tempDir(), ['--request-timeout', '1']);
    const started = Date.now();
    const answer = await raw(server.url, ['GET /agent/rooms HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, i) => [200, `X-${i}: y\r\n`]).flat()], 12_000);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(answer).toMatch(/^(HTTP\/1.1 408|)$/m);
  });

  test('CRLF in the path cannot inject a header', async () => {
    const server = await startServer(await tempDir());
    const answer = await raw(server.url, ['GET /agent/rooms/a%0d%0aSet-Cookie:%20x=1/history HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n']);
    expect(answer).toMatch(/^HTTP\/1.1 404/);
    expect(answer.split('\r\n\r\n')[0]).not.toMatch(/^Set-Cookie/im);
  });
});
