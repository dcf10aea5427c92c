// hangUp on a real socket: aborts when the client goes before the answer is whole, never after an answer sent whole.
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, test } from 'vitest';
import { hangUp } from '../../src/server/env.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A server whose routes hand over the hang-up signal of each request; `/slow` answers only once asked to. */
async function serveSignals() {
  const signals: AbortSignal[] = [];
  let answerSlow: () => void = () => {};
  const app = new Hono();
  app.get('/quick', (c) => (signals.push(hangUp(c)), c.json({ ok: true })));
  app.get('/slow', async (c) => {
    signals.push(hangUp(c));
    await new Promise<void>((r) => (answerSlow = r));
    return c.json({ ok: true });
  });
  server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, signals, answerSlow: () => answerSlow() };
}

const closed = (s: Server) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));

describe('hangUp', () => {
  test('an answer sent whole aborts nothing, also once its connection closes', async () => {
    const { url, signals } = await serveSignals();
    expect(await (await fetch(`${url}/quick`)).json()).toEqual({ ok: true });
    await closed(server!);
    server = undefined;
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  test('a client that goes before the answer aborts it', async () => {
    const { url, signals, answerSlow } = await serveSignals();
    const ac = new AbortController();
    const res = fetch(`${url}/slow`, { signal: ac.signal }).catch(() => undefined);
    while (signals.length === 0) await new Promise((r) => setTimeout(r, 5));
    const aborted = new Promise((r) => signals[0]!.addEventListener('abort', r, { once: true }));
    ac.abort();
    await aborted;
    expect(signals[0]!.aborted).toBe(true);
    answerSlow();
    await res;
  });
});
