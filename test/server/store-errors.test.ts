// A store that fails mid-answer: SSE ends with an error event, an export is aborted (never a clean short body).
import { describe, expect, test } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { StoreError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import { afterEach } from 'vitest';
import { openStore } from '../helpers/app.js';

/** A real FileStore whose reads fail (fault injection) once `failAfter` more reads have gone through. */
async function failingStore() {
  const inner = await openStore({ windowSize: 4 });
  const state = { readsLeft: Infinity };
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === 'read') {
        return (...args: Parameters<Store['read']>) => {
          if (state.readsLeft-- <= 0) return Promise.reject(new StoreError('unavailable', 'injected: the log cannot be read'));
          return target.read(...args);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  return { store, failAfter: (n: number) => (state.readsLeft = n) };
}

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The app on a real socket (127.0.0.1, port 0), so the Node response path is the one tested. */
async function serve(store: Store): Promise<string> {
  const logs: string[] = [];
  const server = await listen(createApp({ store, log: (m) => logs.push(m) }), { host: '127.0.0.1', port: 0 });
  servers.push(server);
  return server.url;
}

async function roomWith(url: string, count: number): Promise<string> {
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const { roomId } = (await (await post('/agent/rooms', { name: 'r' })).json()) as { roomId: string };
  for (let from = 0; from < count; from += 1000) {
    const n = Math.min(1000, count - from);
    expect((await post(`/agent/rooms/${roomId}/messages`, Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${from + i + 1}` })))).status).toBe(201);
  }
  return roomId;
}

describe('store errors end the answer', () => {
  test('an export that fails part-way is aborted: the download fails instead of ending short', async () => {
    const { store, failAfter } = await failingStore();
    const url = await serve(store);
    const roomId = await roomWith(url, 5000);
    failAfter(3);
    const res = await fetch(`${url}/agent/rooms/${roomId}/export`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    // The same export with a healthy store is whole.
    failAfter(Infinity);
    expect((await (await fetch(`${url}/agent/rooms/${roomId}/export`)).text()).trimEnd().split('\n')).toHaveLength(5000);
  });

  test.each([
    ['export', '/export'],
    ['history', '/history?after=0'],
    ['long-poll', '/history?after=0&wait=5'],
  ])('a %s whose first read fails is a 503 with the error shape', async (_name, path) => {
    const { store, failAfter } = await failingStore();
    const url = await serve(store);
    const roomId = await roomWith(url, 10);
    failAfter(0);
    const res = await fetch(`${url}/agent/rooms/${roomId}${path}`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
  });

  test('an SSE stream whose store fails sends an error event and ends, so the client reconnects', async () => {
    const { store, failAfter } = await failingStore();
    const url = await serve(store);
    const roomId = await roomWith(url, 3);
    const res = await fetch(`${url}/agent/rooms/${roomId}/stream?after=0`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('id: 3\n')) text += new TextDecoder().decode((await reader.read()).value);
    failAfter(0);
    // A commit larger than a page: a caught-up stream takes a small commit from the send itself, without a read, so
    // this one makes the stream read the store (as a stream that is behind does).
    const big = Array.from({ length: 1000 }, (_, i) => ({ sender: 's', content: `m${i + 4} ${'x'.repeat(100)}` }));
    await fetch(`${url}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(big) });
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    expect(text).toMatch(/event: error\ndata: \{"code":"unavailable","message":"injected: the log cannot be read"/);
    expect(text).not.toContain('id: 4\n');
  });

  test('in-process too (app.request): the export body errors and the stream ends with the error event', async () => {
    const { store, failAfter } = await failingStore();
    const app = createApp({ store, log: () => {} });
    const { roomId } = await (await app.request('/agent/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"r"}' })).json() as { roomId: string };
    await app.request(`/agent/rooms/${roomId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ sender: 's', content: `m${i}` }))),
    });
    failAfter(2);
    const exported = await app.request(`/agent/rooms/${roomId}/export`);
    await expect(exported.text()).rejects.toThrow(/injected/);
    failAfter(1);
    const streamed = await (await app.request(`/agent/rooms/${roomId}/stream?after=0`)).text();
    expect(streamed).toMatch(/id: 1\n[\s\S]*event: error\ndata: \{"code":"unavailable"/);
  });
});
