// On a real socket every kind of answer carries the request id and nosniff: they are set on Node's answer directly.
import { describe, expect, test } from 'vitest';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('headers on a real server', () => {
  test('JSON, errors, SSE and UI answers carry X-Request-Id and nosniff; a sane given id is echoed', async () => {
    const server = await startServer(await tempDir());
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const created = await post('/agent/rooms', '{"name":"h"}');
    const { roomId } = (await created.json()) as { roomId: string };
    const sent = await post(`/agent/rooms/${roomId}/messages`, '{"sender":"a","content":"b"}', { 'x-request-id': 'my-id.1' });
    const bad = await post(`/agent/rooms/${roomId}/messages`, '{"sender":"a"}');
    const missing = await fetch(`${server.url}/agent/rooms/${roomId}x`);
    const page = await fetch(`${server.url}/`);
    const ac = new AbortController();
    const stream = await fetch(`${server.url}/agent/rooms/${roomId}/stream`, { signal: ac.signal });

    expect([created.status, sent.status, bad.status, missing.status, page.status, stream.status]).toEqual([201, 201, 400, 404, 200, 200]);
    expect(sent.headers.get('x-request-id')).toBe('my-id.1');
    const badBody = (await bad.json()) as { error: { requestId: string } };
    expect(badBody.error.requestId).toBe(bad.headers.get('x-request-id'));
    for (const res of [created, sent, bad, missing, page, stream]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[\w.:-]{1,64}$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(sent.headers.get('content-type')).toBe('application/json');
    ac.abort();
  });
});
