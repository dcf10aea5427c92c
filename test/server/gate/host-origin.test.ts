// DNS rebinding and cross-site requests: the Host and Origin rules, on the API and the UI, with auth off and on.
import { describe, expect, test } from 'vitest';
import { hashKey } from '../../../src/server/auth/keys.js';
import { UI_DIR } from '../../../src/paths.js';
import { testApp } from '../../helpers/app.js';

const ADMIN = 'ima_host-origin-admin-token-000';

async function status(extra: Parameters<typeof testApp>[0], path: string, headers: Record<string, string>, init: RequestInit = {}) {
  const { app } = await testApp({ uiDir: UI_DIR, ...extra });
  const res = await app.request(`http://placeholder${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { error?: { code: string; message: string } }) : undefined };
}

describe('Host rule (auth off)', () => {
  test.each([
    ['localhost:7331', 200],
    ['127.0.0.1:7331', 200],
    ['127.0.0.1', 200],
    ['[::1]:7331', 200],
    ['LOCALHOST:7331', 200],
    ['agents.localhost:7331', 200],
    ['attacker.example:7331', 403],
    ['attacker.example', 403],
    ['127.0.0.1.nip.io:7331', 403],
    ['localhost.attacker.example', 403],
    ['192.168.1.20:7331', 403],
  ])('Host %s: %i on the API and the UI', async (host, expected) => {
    for (const path of ['/agent/rooms', '/']) {
      const res = await status({}, path, { host });
      expect({ path, status: res.status }).toEqual({ path, status: expected });
      if (expected === 403) expect(res.body?.error).toMatchObject({ code: 'host_not_allowed', message: expect.stringMatching(/DNS rebinding.*--allow-host/) });
    }
  });

  test('--allow-host adds a name', async () => {
    expect((await status({ allowedHosts: ['my-box'] }, '/agent/rooms', { host: 'my-box:7331' })).status).toBe(200);
    expect((await status({ allowedHosts: ['my-box'] }, '/agent/rooms', { host: 'other-box:7331' })).status).toBe(403);
  });

  test('with auth on the Host is not checked: the key protects the server', async () => {
    const auth = { adminTokenHash: hashKey(ADMIN) };
    expect((await status({ auth }, '/agent/rooms', { host: 'chat.example.com', authorization: `Bearer ${ADMIN}` })).status).toBe(200);
  });
});

describe('Origin rule', () => {
  const create = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' };
  test.each([
    ['no Origin (curl, agents)', {}, 201],
    ['its own page', { origin: 'http://127.0.0.1:7331' }, 201],
    ['its own page by name', { origin: 'http://localhost:7331', host: 'localhost:7331' }, 201],
    ['another site', { origin: 'https://evil.example' }, 403],
    ['another port on this machine', { origin: 'http://127.0.0.1:9999' }, 403],
    ['a sandboxed page (null)', { origin: 'null' }, 403],
  ] as [string, Record<string, string>, number][])('%s: %i', async (_, headers, expected) => {
    const res = await status({}, '/agent/rooms', { host: '127.0.0.1:7331', ...headers }, create);
    expect(res.status).toBe(expected);
    if (expected === 403) expect(res.body?.error).toMatchObject({ code: 'origin_not_allowed', message: expect.stringMatching(/--cors/) });
  });

  test('an origin given with --cors may call, and gets the CORS headers; its preflight is answered', async () => {
    const { app } = await testApp({ cors: ['https://app.example'] });
    const res = await app.request('/agent/rooms', { ...create, headers: { ...create.headers, origin: 'https://app.example', host: '127.0.0.1:7331' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('vary')).toBe('Origin');
    const pre = await app.request('/agent/rooms', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', host: '127.0.0.1:7331' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const evil = await app.request('/agent/rooms', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', host: '127.0.0.1:7331' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
