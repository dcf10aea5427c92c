// The fast send path answers exactly as the Hono app does: the same requests, to a server with and without it.
import { request, type RequestListener } from 'node:http';
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { fastSendFor } from '../../src/server/fast-send.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { openStore } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Server {
  url: string;
  roomId: string;
  /** Requests the fast path handed to the app. */
  toApp: number;
}

/** A server over a fresh store with one room; with `fullDisk`, that room's index lives on /dev/full (ENOSPC). */
async function start(fast: boolean, fullDisk = false): Promise<Server> {
  const dir = await tempDir();
  let store = await openStore({ dir });
  const { id: roomId } = await store.createRoom({ name: 'r' });
  if (fullDisk) {
    await store.close();
    const idx = join(dir, 'rooms', `${roomId}.idx`);
    await rm(idx);
    await symlink('/dev/full', idx);
    store = await openStore({ dir });
  }
  const options: AppOptions = { store, maxBodyBytes: 4096, log: () => {} };
  const fastSend = fast ? fastSendFor(options) : undefined;
  if (fast) expect(fastSend).toBeDefined();
  const server: Server = { url: '', roomId, toApp: 0 };
  // Counts the requests that reach the Hono app, to see which ones the fast path answered itself.
  const wrap = fastSend && ((app: RequestListener) => fastSend((req, res) => (server.toApp++, app(req, res))));
  const listening = await listen(createApp(options), { host: '127.0.0.1', port: 0, ...(wrap && { wrap }) });
  servers.push(listening);
  server.url = listening.url;
  return server;
}

interface Req {
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Send the body in chunks, without a Content-Length. */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Posts with node:http (so Content-Length and chunking are ours to choose) and normalises what differs by server. */
function post(server: Server, { path = '/agent/rooms/ROOM/messages', body = '', headers = {}, chunked = false }: Req): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (!chunked) all['content-length'] = String(Buffer.byteLength(body));
    const req = request(`${server.url}${path.replace('ROOM', server.roomId)}`, { method: 'POST', headers: all }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const normal = text
          .replaceAll(server.roomId, 'ROOM')
          .replace(/"id":"[0-9a-f-]{36}"/g, '"id":"ID"')
          .replace(/"createdAt":"[^"]+"/g, '"createdAt":"T"')
          .replace(/"requestId":"[^"]+"/g, '"requestId":"RID"');
        const rid = res.headers['x-request-id'];
        resolve({
          status: res.statusCode ?? 0,
          headers: {
            'content-type': res.headers['content-type'],
            nosniff: res.headers['x-content-type-options'],
            'request id': headers['x-request-id'] && rid === headers['x-request-id'] ? 'echoed' : typeof rid === 'string' && /^[0-9a-f]{8}-[0-9a-z]+$/.test(rid) ? 'made' : rid,
          },
          body: JSON.parse(normal) as unknown,
        });
      });
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 7) req.write(body.slice(i, i + 7));
    req.end(chunked ? undefined : body);
  });
}

const msg = (o: object) => JSON.stringify(o);

/** name, request, status, and whether the fast path answers it itself (else it hands it to the app). */
const CASES: [string, Req, number, boolean?][] = [
  ['a plain message', { body: msg({ sender: 'a', content: 'hello' }) }, 201, true],
  ['every optional field, to as a string', { body: msg({ sender: 'a', content: 'x', to: 'b', replyTo: 'm1', type: 'task', metadata: { n: [1, { k: null }] } }) }, 201, true],
  ['unknown fields are ignored', { body: msg({ sender: 'a', content: 'x', extra: 1 }) }, 201, true],
  ['a byte-order mark (the app strips it)', { body: `\ufeff${msg({ sender: 'a', content: 'bom' })}` }, 201],
  ['JSON with a charset', { body: msg({ sender: 'a', content: 'x' }), headers: { 'content-type': 'application/json; charset=utf-8' } }, 201, true],
  ['unicode content', { body: msg({ sender: 'ü', content: 'héllo 👋 \u2028 "quoted" \\ back' }) }, 201, true],
  ['__proto__ keys, at the top and in metadata', { body: '{"sender":"a","content":"p","__proto__":{"admin":true},"metadata":{"__proto__":{"x":1}}}' }, 201, true],
  ['a given request id', { body: msg({ sender: 'a', content: 'x' }), headers: { 'x-request-id': 'agent-7.call:3' } }, 201, true],
  ['an unsafe request id is replaced', { body: msg({ sender: 'a', content: 'x' }), headers: { 'x-request-id': 'a b<c>' } }, 201, true],
  ['a query string', { path: '/agent/rooms/ROOM/messages?via=test', body: msg({ sender: 'a', content: 'q' }) }, 201],
  ['a chunked body', { body: msg({ sender: 'a', content: 'chunked body' }), chunked: true }, 201],
  ['a batch', { body: msg([{ sender: 'a', content: '1' }, { sender: 'b', content: '2' }]) }, 201],
  ['a batch with one bad message', { body: msg([{ sender: 'a', content: '1' }, { sender: 'b' }]) }, 400],
  ['not JSON', { body: '{"sender":' }, 400],
  ['an empty body', { body: '' }, 400],
  ['only whitespace', { body: ' \n ' }, 400],
  ['a JSON string', { body: '"hello"' }, 400],
  ['null', { body: 'null' }, 400],
  ['no content', { body: msg({ sender: 'a' }) }, 400],
  ['an empty sender', { body: msg({ sender: ' ', content: 'x' }) }, 400],
  ['a number as content', { body: msg({ sender: 'a', content: 5 }) }, 400],
  ['metadata that is an array', { body: msg({ sender: 'a', content: 'x', metadata: [1] }) }, 400],
  ['a body over --max-body', { body: msg({ sender: 'a', content: 'x'.repeat(5000) }) }, 413],
  ['a chunked body over --max-body', { body: msg({ sender: 'a', content: 'x'.repeat(5000) }), chunked: true }, 413],
  ['text/plain', { body: msg({ sender: 'a', content: 'x' }), headers: { 'content-type': 'text/plain' } }, 415],
  ['an unknown room', { path: '/agent/rooms/aaaaaaaaaaaaaaaaaaaaaaaaaa/messages', body: msg({ sender: 'a', content: 'x' }) }, 404],
  ['a room id with dots', { path: '/agent/rooms/..%2f..%2fetc/messages', body: msg({ sender: 'a', content: 'x' }) }, 404],
  ['a trailing slash', { path: '/agent/rooms/ROOM/messages/', body: msg({ sender: 'a', content: 'x' }) }, 404],
];

describe('fast send path', () => {
  test('answers every request exactly as the Hono app does, and stores the same messages', async () => {
    const [fast, slow] = await Promise.all([start(true), start(false)]);
    for (const [name, req, status, answeredFast = false] of CASES) {
      const before = fast.toApp;
      const [a, b] = [await post(fast, req), await post(slow, req)];
      expect({ name, ...a }).toEqual({ name, ...b });
      expect({ name, status: a.status, answeredFast: fast.toApp === before }).toEqual({ name, status, answeredFast });
    }
    const history = async (s: Server) => {
      const res = await fetch(`${s.url}/agent/rooms/${s.roomId}/history?after=0&limit=1000`);
      return ((await res.json()) as { messages: { seq: number; sender: string; content: string }[] }).messages.map(({ seq, sender, content }) => ({ seq, sender, content }));
    };
    const stored = await history(fast);
    expect(stored).toEqual(await history(slow));
    expect(stored.length).toBe(CASES.filter(([name, , s]) => s === 201 && name !== 'a batch').length + 2);
  });

  test('a disk that refuses the write gets the same 503 on both paths, and nothing is stored', async () => {
    const answers: Answer[] = [];
    for (const fast of [true, false]) {
      const server = await start(fast, true);
      answers.push(await post(server, { body: msg({ sender: 'a', content: 'lost?' }) }));
      expect(server.toApp).toBe(0);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ status: 503, body: { error: { code: 'unavailable', message: expect.stringMatching(/ENOSPC.*nothing was stored/) } } });
  });

  test.each([
    ['auth', { auth: { adminTokenHash: 'f'.repeat(64) } }],
    ['CORS', { cors: ['https://app.example'] }],
    ['a rate limit', { rateLimit: { perSecond: 10, burst: 20 } }],
  ] as [string, Partial<AppOptions>][])('is not used with %s, whose middleware it would skip', async (_, extra) => {
    expect(fastSendFor({ store: await openStore(), ...extra })).toBeUndefined();
  });
});
