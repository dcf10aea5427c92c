// Limits with clear answers: rate limit, stream caps, room cap, CORS, security headers, a full disk.
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import type { ErrorBody } from '../../src/api/types.js';
import { StreamRegistry } from '../../src/server/streams.js';
import { UI_DIR } from '../../src/paths.js';
import { openStore, testApp } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

describe('limits', () => {
  test('past the per-client rate, a 429 with Retry-After that says the limit', async () => {
    const { app, client } = await testApp({ rateLimit: { perSecond: 5, burst: 5 } });
    // The clock stands still for the bucket (Date only: I/O and timers run as usual), so no token comes back between
    // the requests however slowly a busy machine answers them.
    vi.useFakeTimers({ toFake: ['Date'] });
    const statuses: number[] = [];
    let limited: Response | undefined;
    try {
      const { roomId } = await client.createRoom('r');
      for (let i = 0; i < 8; i++) {
        const res = await app.request(`/agent/rooms/${roomId}/history`);
        statuses.push(res.status);
        if (res.status === 429) limited ??= res;
      }
    } finally {
      vi.useRealTimers();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(limited!)).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/5 per second per client/) });
  });

  test('streams and long-polls are capped per client', async () => {
    const streams = new StreamRegistry({ perClient: 2, total: 10, idleMs: 60_000 });
    const { app, client } = await testApp({ streams });
    const { roomId } = await client.createRoom('r');
    const ac = new AbortController();
    const open = [
      await app.request(`/agent/rooms/${roomId}/stream`, { signal: ac.signal }),
      app.request(`/agent/rooms/${roomId}/history?wait=30`, { signal: ac.signal }),
    ];
    await new Promise((r) => setTimeout(r, 50));
    const refused = await app.request(`/agent/rooms/${roomId}/stream`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await errorOf(refused)).toMatchObject({ code: 'too_many_streams' });
    ac.abort();
    await Promise.allSettled(open);
  });

  test('the total stream cap holds too, and shutdown ends streams with a final event', async () => {
    const streams = new StreamRegistry({ perClient: 10, total: 1, idleMs: 60_000 });
    const { app, client } = await testApp({ streams });
    const { roomId } = await client.createRoom('r');
    const res = await app.request(`/agent/rooms/${roomId}/stream`);
    expect((await app.request(`/agent/rooms/${roomId}/stream`)).status).toBe(429);
    streams.closeAll();
    const text = await res.text();
    expect(text).toContain('event: shutdown');
    expect(streams.size).toBe(0);
    expect((await app.request(`/agent/rooms/${roomId}/stream`)).status).toBe(503);
  });

  test('an idle stream is closed with a timeout event', async () => {
    const streams = new StreamRegistry({ perClient: 10, total: 10, idleMs: 100 });
    const { app, client } = await testApp({ streams });
    const { roomId } = await client.createRoom('r');
    const text = await (await app.request(`/agent/rooms/${roomId}/stream`)).text();
    expect(text).toContain('event: timeout');
  });

  test('rooms per server: past the cap, a 409 that names the flag', async () => {
    const store = await openStore({ maxRooms: 2 });
    const { json } = await testApp({ store });
    expect((await json('POST', '/agent/rooms', { name: 'a' })).status).toBe(201);
    expect((await json('POST', '/agent/rooms', { name: 'b' })).status).toBe(201);
    const third = await json('POST', '/agent/rooms', { name: 'c' });
    expect(third.status).toBe(409);
    expect(await errorOf(third)).toMatchObject({ code: 'limit', message: expect.stringMatching(/maximum of 2 rooms\..*--max-rooms/) });
  });

  test('CORS is off by default and answers only the allowed origin when on', async () => {
    const off = await testApp();
    expect((await off.app.request('/agent/rooms', { headers: { origin: 'https://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull();
    const on = await testApp({ cors: ['https://app.example'] });
    const preflight = await on.app.request('/agent/rooms', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const other = await on.app.request('/agent/rooms', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  test('the UI is sent with a CSP that forbids inline script, nosniff and no framing', async () => {
    const { app } = await testApp({ uiDir: UI_DIR });
    const res = await app.request('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const api = await app.request('/agent/rooms');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
  });

  test('a disk that refuses the write answers 503 and keeps what was acknowledged', async () => {
    const dir = await tempDir();
    const first = await openStore({ dir });
    const kept = await first.createRoom({ name: 'kept' });
    const full = await first.createRoom({ name: 'full' });
    await first.append(kept.id, [{ sender: 'a', content: 'acknowledged' }]);
    await first.close();
    const idx = join(dir, 'rooms', `${full.id}.idx`);
    await rm(idx);
    await symlink('/dev/full', idx);
    const { json, client } = await testApp({ storeOptions: { dir } });
    const res = await json('POST', `/agent/rooms/${full.id}/messages`, { sender: 'a', content: 'lost?' });
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/ENOSPC.*nothing was stored/) });
    expect((await client.history(kept.id)).map((m) => m.content)).toEqual(['acknowledged']);
    expect((await client.send(kept.id, { sender: 'a', content: 'still writable' })).seq).toBe(2);
  });
});
