// Redis killed under load: sends answer 503 unavailable within a bounded time (no hang, no crash), Redis restarted on
// its AOF: served again, every acknowledged message there once, and an SSE subscriber sees every message once
// (its stream lives through the outage, or it reconnects from its cursor), and a long-poll waiting through the outage
// wakes for a send after it.
import { afterEach, describe, expect, test } from 'vitest';
import type { History, Message } from '../../src/api/types.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { resumingSubscriber } from '../helpers/sse-messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const running: RunningServer[] = [];
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await Promise.all(running.splice(0).map((s) => s.shutdown()));
});

interface Outcome {
  status: number;
  ms: number;
  code?: string;
  message?: Message;
}

describe.skipIf(!hasRedis)('Redis outage', () => {
  test('killed under load: 503s within bounded time; back on its AOF: served again, nothing acknowledged lost', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const redis = await startRedis();
      const logs: string[] = [];
      const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: await tempDir(), storeUrl: redis.url, ui: false, log: (m) => logs.push(m) });
      running.push(server);
      const { roomId } = (await (await fetch(`${server.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"outage"}' })).json()) as { roomId: string };
      const subscriber = resumingSubscriber(server.url, roomId, aborts);
      // A long-poll on a quiet room, waiting through the whole outage.
      const quiet = (await (await fetch(`${server.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"quiet"}' })).json()) as { roomId: string };
      const poll = fetch(`${server.url}/agent/rooms/${quiet.roomId}/history?after=0&wait=60`);

      const outcomes: Outcome[] = [];
      let sending = true;
      const clients = Array.from({ length: 4 }, async (_, c) => {
        for (let i = 0; sending; i++) {
          const started = Date.now();
          const res = await fetch(`${server.url}/agent/rooms/${roomId}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sender: `c${c}`, content: `c${c}-${i}` }),
          });
          const body = (await res.json()) as Message | { error: { code: string } };
          outcomes.push({ status: res.status, ms: Date.now() - started, ...('error' in body ? { code: body.error.code } : { message: body }) });
          if (res.status !== 201) await new Promise((r) => setTimeout(r, 50));
        }
      });
      const acked = () => outcomes.filter((o) => o.status === 201).length;
      await until(() => acked() >= 40, 60_000, '40 sends before the outage', 50);
      await redis.kill();
      const killedAt = outcomes.length;
      await until(() => outcomes.slice(killedAt).filter((o) => o.status === 503).length >= 20, 60_000, '20 answers of 503 while Redis is down', 50);
      await redis.restart();
      const backAt = outcomes.length;
      await until(() => outcomes.slice(backAt).filter((o) => o.status === 201).length >= 40, 60_000, '40 sends after Redis is back', 50);
      sending = false;
      await Promise.all(clients);
      const woke = await fetch(`${server.url}/agent/rooms/${quiet.roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sender":"q","content":"after the outage"}' });
      expect(woke.status).toBe(201);
      const polled = await poll;
      expect(polled.status).toBe(200);
      expect(((await polled.json()) as History).messages.map((m) => m.content)).toEqual(['after the outage']);

      // During the outage: only 201 (sent before the kill took effect) or 503 unavailable, each within the command
      // timeout plus slack, never a hang or another error.
      for (const o of outcomes) expect([201, 503]).toContain(o.status);
      const failures = outcomes.filter((o) => o.status === 503);
      expect(failures.every((o) => o.code === 'unavailable')).toBe(true);
      expect(Math.max(...failures.map((o) => o.ms))).toBeLessThan(15_000);

      // Every acknowledged message is stored once; seqs have no gap.
      const history = (await (await fetch(`${server.url}/agent/rooms/${roomId}/history?after=0&limit=1000`)).json()) as History;
      const stored = new Map(history.messages.map((m) => [m.id, m]));
      for (const o of outcomes.filter((x) => x.message)) expect(stored.get(o.message!.id)).toEqual(o.message);
      const seqs = history.messages.map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

      // The subscriber resumed from its cursor: every message once, in order.
      await until(() => subscriber.seen.length >= seqs.length, 60_000, `the subscriber to catch up (${subscriber.seen.length} of ${seqs.length})`, 50);
      expect(subscriber.seen).toEqual(seqs);
      expect(logs.join('\n')).toMatch(/lost the connection to Redis/);
      expect(logs.join('\n')).toMatch(/the connection to Redis at \S+ is back/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  test('paused (takes the bytes, answers nothing): a send, a read and presence answer 503 within the command timeout; resumed: served again', async () => {
    const redis = await startRedis();
    const logs: string[] = [];
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: await tempDir(), storeUrl: redis.url, ui: false, log: (m) => logs.push(m) });
    running.push(server);
    const base = server.url;
    const { roomId } = (await (await fetch(`${base}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"paused"}' })).json()) as { roomId: string };
    const send = (content: string) =>
      fetch(`${base}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sender: 'p', content }) });
    expect((await send('before')).status).toBe(201);
    redis.pause();
    try {
      const timed = async (call: () => Promise<Response>) => {
        const started = Date.now();
        const res = await call();
        return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code, ms: Date.now() - started };
      };
      const answers = await Promise.all([
        timed(() => send('during')),
        timed(() => fetch(`${base}/agent/rooms/${roomId}/history`)),
        timed(() => fetch(`${base}/agent/rooms/${roomId}/presence`)),
      ]);
      for (const a of answers) expect(a).toMatchObject({ status: 503, code: 'unavailable' });
      // The command timeout is 3 s; the bound is slack for a busy machine, far below "for ever" (the hang it guards).
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(15_000);
      expect((await fetch(`${base}/agent/health`)).status).toBe(200);
      expect(logs.join('\n')).toMatch(/did not answer within 3000 ms/);
    } finally {
      redis.resume();
    }
    // Back: served again. The send that got a 503 may have been applied once Redis woke (as the README says).
    const after = await send('after');
    expect(after.status).toBe(201);
    const history = (await (await fetch(`${base}/agent/rooms/${roomId}/history?after=0`)).json()) as History;
    const contents = history.messages.map((m) => m.content);
    expect(contents[0]).toBe('before');
    expect(contents.at(-1)).toBe('after');
    expect(contents.filter((c) => c === 'during').length).toBeLessThanOrEqual(1);
    expect(logs.join('\n')).toMatch(/answers again/);
  });
});
