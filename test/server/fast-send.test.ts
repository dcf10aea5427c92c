// The fast send path answers exactly as the Hono app does: the same requests, to servers with and without it.
import { request } from 'node:http';
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CreatedAgent, CreatedRoom } from '../../src/api/types.js';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { listen, type Listening } from '../../src/server/listen.js';
import type { FileStore } from '../../src/store/file/file-store.js';
import { openStore } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ADMIN = 'ima_equivalence-admin-token-0123';

interface Server {
  url: string;
  store: FileStore;
  room: CreatedRoom;
  other: CreatedRoom;
  /** Agent keys of the first room: "a" (the name the cases post as), "z", and one revoked. */
  agents: { a: string; z: string; revoked: string };
  /** Requests that reached the Hono app (the fast path answers sends itself). */
  toApp: number;
}

/** A server over a fresh store with two rooms; with `fullDisk`, the first room's index lives on /dev/full (ENOSPC). */
async function start(fast: boolean, extra: Partial<AppOptions> = {}, fullDisk = false): Promise<Server> {
  const dir = await tempDir();
  let store = await openStore({ dir });
  const setup = createApp({ store, log: () => {} });
  const create = async (name: string) =>
    (await (await setup.request('/agent/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })).json()) as CreatedRoom;
  const [room, other] = [await create('r'), await create('other')];
  const agent = async (name: string) =>
    ((await (await setup.request(`/agent/rooms/${room.roomId}/agents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })).json()) as CreatedAgent).key;
  const agents = { a: await agent('a'), z: await agent('z'), revoked: await agent('gone') };
  await setup.request(`/agent/rooms/${room.roomId}/agents/gone`, { method: 'DELETE' });
  if (fullDisk) {
    await store.close();
    const idx = join(dir, 'rooms', `${room.roomId}.idx`);
    await rm(idx);
    await symlink('/dev/full', idx);
    store = await openStore({ dir });
  }
  const app = createApp({ store, maxBodyBytes: 4096, log: () => {}, ...extra });
  const server: Server = { url: '', store, room, other, agents, toApp: 0 };
  const counted = { fetch: (req: Request, env: Parameters<typeof app.fetch>[1]) => (server.toApp++, app.fetch(req, env)), withFastSend: app.withFastSend };
  const listening = await listen(counted, { host: '127.0.0.1', port: 0, fastPath: fast });
  servers.push(listening);
  server.url = listening.url;
  return server;
}

type Key = 'none' | 'write' | 'read' | 'other room' | 'admin' | 'unknown' | 'malformed' | 'agent a' | 'agent z' | 'revoked agent';

interface Req {
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  key?: Key;
  /** Send the body in chunks, without a Content-Length. */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function authorization(server: Server, key: Key): Record<string, string> {
  const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
  switch (key) {
    case 'none': return {};
    case 'write': return bearer(server.room.keys.write);
    case 'read': return bearer(server.room.keys.read);
    case 'other room': return bearer(server.other.keys.write);
    case 'admin': return bearer(ADMIN);
    case 'unknown': return bearer('imw_not-a-key-of-this-server-000000');
    case 'malformed': return { authorization: 'Basic abc' };
    case 'agent a': return bearer(server.agents.a);
    case 'agent z': return bearer(server.agents.z);
    case 'revoked agent': return bearer(server.agents.revoked);
  }
}

/** Posts with node:http (so Content-Length and chunking are ours to choose); everything that differs by server or
 *  by run (ids, times, the date) is normalised, every other header is compared. */
function post(server: Server, { path = '/agent/rooms/ROOM/messages', body = '', headers = {}, key = 'none', chunked = false }: Req): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string> = { 'content-type': 'application/json', ...authorization(server, key), ...headers };
    if (!chunked) all['content-length'] = String(Buffer.byteLength(body));
    const req = request(`${server.url}${path.replace('ROOM', server.room.roomId)}`, { method: 'POST', headers: all }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const normal = text
          .replaceAll(server.room.roomId, 'ROOM')
          .replace(/"id":"[0-9a-f-]{36}"/g, '"id":"ID"')
          .replace(/"createdAt":"[^"]+"/g, '"createdAt":"T"')
          .replace(/"requestId":"[^"]+"/g, '"requestId":"RID"');
        const { date, 'x-request-id': rid, ...rest } = res.headers;
        resolve({
          status: res.statusCode ?? 0,
          headers: {
            ...rest,
            date: typeof date === 'string' ? 'present' : date,
            'x-request-id': headers['x-request-id'] && rid === headers['x-request-id'] ? 'echoed' : typeof rid === 'string' && /^[0-9a-f]{8}-[0-9a-z]+$/.test(rid) ? 'made' : rid,
            'content-length': rest['content-length'] === String(Buffer.byteLength(text)) ? 'matches body' : rest['content-length'],
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
const hello = msg({ sender: 'a', content: 'hello' });

/** name, request, status. */
const CASES: [string, Req, number][] = [
  ['a plain message', { body: hello }, 201],
  ['every optional field, to as a string', { body: msg({ sender: 'a', content: 'x', to: 'b', replyTo: 'm1', type: 'task', metadata: { n: [1, { k: null }] } }) }, 201],
  ['unknown fields are ignored', { body: msg({ sender: 'a', content: 'x', extra: 1 }) }, 201],
  ['a byte-order mark', { body: `\ufeff${msg({ sender: 'a', content: 'bom' })}` }, 201],
  ['JSON with a charset', { body: msg({ sender: 'a', content: 'x' }), headers: { 'content-type': 'application/json; charset=utf-8' } }, 201],
  ['unicode content', { body: msg({ sender: 'ü', content: 'héllo 👋 \u2028 "quoted" \\ back' }) }, 201],
  ['__proto__ keys, at the top and in metadata', { body: '{"sender":"a","content":"p","__proto__":{"admin":true},"metadata":{"__proto__":{"x":1}}}' }, 201],
  ['a given request id', { body: hello, headers: { 'x-request-id': 'agent-7.call:3' } }, 201],
  ['an unsafe request id is replaced', { body: hello, headers: { 'x-request-id': 'a b<c>' } }, 201],
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
  ['text/plain', { body: hello, headers: { 'content-type': 'text/plain' } }, 415],
  ['an unknown room', { path: '/agent/rooms/aaaaaaaaaaaaaaaaaaaaaaaaaa/messages', body: hello }, 404],
  ['a room id with dots', { path: '/agent/rooms/..%2f..%2fetc/messages', body: hello }, 404],
  ['a trailing slash', { path: '/agent/rooms/ROOM/messages/', body: hello }, 404],
  ['a foreign Host', { body: hello, headers: { host: 'rebind.example:80' } }, 403],
  ['a foreign Origin', { body: hello, headers: { origin: 'https://evil.example' } }, 403],
];

const KEYS: [Key, number][] = [
  ['none', 401],
  ['read', 403],
  ['other room', 403],
  ['unknown', 401],
  ['malformed', 401],
  ['write', 201],
  ['admin', 201],
  // Agent keys: the cases post as "a", which is agent a's own name and not agent z's.
  ['agent a', 201],
  ['agent z', 403],
  ['revoked agent', 401],
];

/** With auth off every request acts as the admin, except with an agent key: it signs (or is refused) all the same. */
const KEYS_AUTH_OFF: Key[] = ['agent a', 'agent z', 'revoked agent'];

async function stored(s: Server): Promise<unknown[]> {
  return (await s.store.read(s.room.roomId, { after: 0, limit: 1000 })).map(({ seq, sender, content, to, type, metadata, mentions, verified }) => ({ seq, sender, content, to, type, metadata, mentions, verified }));
}

/** Sends every request to both servers and requires equal answers; returns the statuses. */
async function compare(fast: Server, slow: Server, reqs: [string, Req][]): Promise<number[]> {
  const statuses: number[] = [];
  for (const [name, req] of reqs) {
    const onPath = !/%|\/messages\//.test(req.path ?? '');
    const before = fast.toApp;
    const [a, b] = [await post(fast, req), await post(slow, req)];
    expect({ name, ...a }).toEqual({ name, ...b });
    // Every send the router would see as a send is answered by the fast path itself, errors included.
    expect({ name, answeredFast: fast.toApp === before }).toEqual({ name, answeredFast: onPath });
    statuses.push(a.status);
  }
  expect(await stored(fast)).toEqual(await stored(slow));
  return statuses;
}

const withAuth: Partial<AppOptions> = { auth: { adminTokenHash: hashKey(ADMIN) } };

describe('fast send path', () => {
  test('with auth off: every request answered and stored exactly as by the Hono app', async () => {
    const [fast, slow] = await Promise.all([start(true), start(false)]);
    const statuses = await compare(fast, slow, CASES.map(([name, req]) => [name, req]));
    expect(statuses).toEqual(CASES.map(([, , status]) => status));
    expect((await stored(fast)).length).toBe(CASES.filter(([, , s]) => s === 201).length + 1);
  });

  test('with auth off: agent keys sign, refuse another sender and a revoked key, on both paths alike', async () => {
    const [fast, slow] = await Promise.all([start(true), start(false)]);
    const reqs: [string, Req][] = KEYS_AUTH_OFF.flatMap((key) => CASES.map(([name, req]): [string, Req] => [`${key} key: ${name}`, { ...req, key }]));
    const statuses = await compare(fast, slow, reqs);
    expect(KEYS_AUTH_OFF.map((_, i) => statuses[i * CASES.length])).toEqual([201, 403, 401]);
    const signed = (await fast.store.read(fast.room.roomId, { after: 0, limit: 1000 })).filter((m) => m.verified);
    expect(signed.length).toBeGreaterThan(5);
    expect(new Set(signed.map((m) => m.sender))).toEqual(new Set(['a']));
  });

  test('with auth on: each kind of key, on every case, the same answers and the same stored messages', async () => {
    const [fast, slow] = await Promise.all([start(true, withAuth), start(false, withAuth)]);
    const reqs: [string, Req][] = KEYS.flatMap(([key]) => CASES.map(([name, req]): [string, Req] => [`${key} key: ${name}`, { ...req, key }]));
    const statuses = await compare(fast, slow, reqs);
    // The key decides first: a plain message is stored only with the write key or the admin token.
    expect(KEYS.map((_, i) => statuses[i * CASES.length])).toEqual(KEYS.map(([, status]) => status));
  });

  test.each([
    ['CORS', { cors: ['https://app.example'] }, { origin: 'https://app.example' }],
    ['a rate limit', { rateLimit: { perSecond: 1, burst: 4 } }, {}],
    ['auth, CORS and a rate limit', { ...withAuth, cors: ['https://app.example'], rateLimit: { perSecond: 1, burst: 4 } }, { origin: 'https://app.example' }],
  ] as [string, Partial<AppOptions>, Record<string, string>][])('with %s: the same answers, headers included', async (_, extra, headers) => {
    const [fast, slow] = await Promise.all([start(true, extra), start(false, extra)]);
    const key: Key = extra.auth ? 'write' : 'none';
    const reqs: [string, Req][] = [
      ['from the allowed origin', { body: hello, headers, key }],
      ['without an origin', { body: hello, key }],
      ['a bad body', { body: '{', headers, key }],
      ['another', { body: hello, headers, key }],
      ['and another', { body: hello, key }],
      ['one more', { body: hello, headers, key }],
    ];
    const statuses = await compare(fast, slow, reqs);
    if (extra.rateLimit) expect(statuses.slice(4)).toEqual([429, 429]);
  });

  test.each([
    ['auth off', {}, 'none'],
    ['auth on', withAuth, 'write'],
  ] as [string, Partial<AppOptions>, Key][])('%s: a disk that refuses the write gets the same 503 on both paths, and nothing is stored', async (_, extra, key) => {
    const answers: Answer[] = [];
    for (const fast of [true, false]) {
      const server = await start(fast, extra, true);
      answers.push(await post(server, { body: msg({ sender: 'a', content: 'lost?' }), key }));
      expect(server.toApp).toBe(fast ? 0 : 1);
      expect(await stored(server)).toEqual([]);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ status: 503, body: { error: { code: 'unavailable', message: expect.stringMatching(/ENOSPC.*nothing was stored/) } } });
  });
});
