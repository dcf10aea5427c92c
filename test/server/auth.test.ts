// Auth: every route with no key, a wrong key, a read key, a write key, another room's key and the admin token.
import { describe, expect, test } from 'vitest';
import type { CreatedRoom } from '../../src/api/types.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';

const ADMIN = 'ima_test-admin-token-0123456789';

type Access = 'admin' | 'list' | 'read' | 'write';
const ROUTES: [string, string, Access, string?][] = [
  ['POST', '/agent/rooms', 'admin', '{"name":"n"}'],
  ['POST', '/agent/demo/room', 'admin', '{"name":"n"}'],
  ['GET', '/agent/rooms', 'list'],
  ['GET', '/agent/rooms/{A}', 'read'],
  ['POST', '/agent/rooms/{A}/messages', 'write', '{"sender":"s","content":"c"}'],
  ['GET', '/agent/rooms/{A}/history', 'read'],
  ['GET', '/agent/rooms/{A}/stream', 'read'],
  ['GET', '/agent/rooms/{A}/search?q=c', 'read'],
  ['GET', '/agent/rooms/{A}/export', 'read'],
];
type Cred = 'none' | 'wrong' | 'readA' | 'writeA' | 'writeB' | 'admin';
const CREDS: Cred[] = ['none', 'wrong', 'readA', 'writeA', 'writeB', 'admin'];

function expected(access: Access, cred: Cred): number {
  if (cred === 'none' || cred === 'wrong') return 401;
  if (cred === 'admin') return access === 'admin' || access === 'write' ? 201 : 200;
  if (access === 'admin') return 403;
  if (access === 'list') return 200;
  if (cred === 'writeB') return 403;
  if (access === 'write') return cred === 'readA' ? 403 : 201;
  return 200;
}

async function authApp() {
  const logs: string[] = [];
  const t = await testApp({ auth: { adminTokenHash: hashKey(ADMIN) }, log: (m) => logs.push(m) });
  const create = async (name: string) =>
    (await (await t.json('POST', '/agent/rooms', { name }, { authorization: `Bearer ${ADMIN}` })).json()) as CreatedRoom;
  const a = await create('A');
  const b = await create('B');
  const keys: Record<Cred, string | undefined> = { none: undefined, wrong: 'imw_not-a-real-key', readA: a.keys.read, writeA: a.keys.write, writeB: b.keys.write, admin: ADMIN };
  return { ...t, a, b, keys, logs };
}

describe('auth', () => {
  const cases = ROUTES.flatMap(([method, path, access, body]) => CREDS.map((cred) => [method, path, cred, access, body] as const));
  test.each(cases)('%s %s with %s', async (method, path, cred, access, body) => {
    const { app, a, b, keys, logs } = await authApp();
    const key = keys[cred];
    const ac = new AbortController();
    const res = await app.request(path.replace('{A}', a.roomId), {
      method,
      signal: ac.signal,
      headers: { ...(key && { authorization: `Bearer ${key}` }), ...(body && { 'content-type': 'application/json' }) },
      ...(body && { body }),
    });
    expect(res.status).toBe(expected(access, cred));
    if (res.status >= 400) {
      const { error } = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(error.code).toMatch(cred === 'wrong' ? /^invalid_key$/ : /^(unauthorized|forbidden|read_only_key)$/);
      expect(error.requestId).toBe(res.headers.get('x-request-id'));
    } else if (access === 'list') {
      const { rooms } = (await res.json()) as { rooms: { id: string }[] };
      const ids = rooms.map((r) => r.id).sort();
      expect(ids).toEqual(cred === 'admin' ? [a.roomId, b.roomId].sort() : [cred === 'writeB' ? b.roomId : a.roomId]);
    }
    ac.abort();
    for (const k of Object.values(keys)) if (k) expect(logs.join('\n')).not.toContain(k);
  });

  test('creating a room returns its keys once; only their digests are kept', async () => {
    const { a, store } = await authApp();
    expect(a.keys.write).toMatch(/^imw_[\w-]{32}$/);
    expect(a.keys.read).toMatch(/^imr_[\w-]{32}$/);
    expect(await store.findKey(hashKey(a.keys.write))).toEqual({ roomId: a.roomId, access: 'write' });
    expect(JSON.stringify(await store.getRoom(a.roomId))).not.toContain(a.keys.write);
  });

  test.each([
    ['Basic dXNlcjpwdw==', 'invalid_authorization'],
    ['Bearer', 'invalid_authorization'],
    ['Bearer a b', 'invalid_authorization'],
  ])('a malformed Authorization header (%s) is a 401 that shows the right form', async (header, code) => {
    const { app, a } = await authApp();
    const res = await app.request(`/agent/rooms/${a.roomId}/history`, { headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  test('health and the UI need no key', async () => {
    const { app } = await authApp();
    expect((await app.request('/agent/health')).status).toBe(200);
  });

  test('with auth off, no key is needed and keys are still issued', async () => {
    const { json, app } = await testApp();
    const room = (await (await json('POST', '/agent/rooms', { name: 'open' })).json()) as CreatedRoom;
    expect(room.keys.read).toMatch(/^imr_/);
    expect((await app.request(`/agent/rooms/${room.roomId}/history`)).status).toBe(200);
  });
});
