// Three servers on one Redis: concurrent sends from all of them land once each in seq order on every SSE subscriber
// of every server, and a long-poll on one server wakes for a send to another.
import { afterEach, describe, expect, test } from 'vitest';
import type { RoomPresence } from '../../src/api/presence.js';
import type { History, Message } from '../../src/api/types.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { sseMessages } from '../helpers/sse-messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const running: RunningServer[] = [];
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await Promise.all(running.splice(0).map((s) => s.shutdown()));
});

async function fleet(url: string, n: number): Promise<RunningServer[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => startServer({ host: '127.0.0.1', port: 0, dataDir: await tempDir(), storeUrl: url, ui: false, log: () => {} })),
  );
  running.push(...servers);
  return servers;
}

/** An SSE subscriber from `after`: every message event's seq and content, as they arrive. */
function subscribe(base: string, roomId: string, after = 0) {
  const seen: Message[] = [];
  const abort = new AbortController();
  aborts.push(abort);
  const done = (async () => {
    const res = await fetch(`${base}/agent/rooms/${roomId}/stream?after=${after}`, { signal: abort.signal });
    for await (const m of sseMessages(res)) seen.push(m);
  })().catch(() => {});
  return { seen, done };
}

async function post(base: string, roomId: string, body: unknown): Promise<Response> {
  return fetch(`${base}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe.skipIf(!hasRedis)('three servers on one Redis', () => {
  test('every subscriber on every server sees every message once, in seq order; a long-poll on B wakes for a send to A', async () => {
    const redis = await startRedis();
    const [a, b, c] = await fleet(redis.url, 3);
    const servers = [a!, b!, c!];
    const room = (await (await fetch(`${a!.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"fleet"}' })).json()) as { roomId: string };
    const { roomId } = room;

    const poll = fetch(`${b!.url}/agent/rooms/${roomId}/history?after=0&wait=30`);
    await new Promise((r) => setTimeout(r, 300)); // let B's long-poll start waiting
    expect((await post(a!.url, roomId, { sender: 'a', content: 'wake up, B' })).status).toBe(201);
    expect(((await (await poll).json()) as History).messages.map((m) => m.content)).toEqual(['wake up, B']);

    const subscribers = servers.flatMap((s) => [subscribe(s.url, roomId), subscribe(s.url, roomId)]);
    await new Promise((r) => setTimeout(r, 300));

    // 3 servers x 4 clients x 10 sends, single messages and batches of 3 alternating: 3 x 4 x 20 = 240 messages more.
    const sent = await Promise.all(
      servers.flatMap((s, si) =>
        Array.from({ length: 4 }, async (_, ci) => {
          const seqs: number[] = [];
          for (let i = 0; i < 10; i++) {
            const tag = `s${si}c${ci}i${i}`;
            const body = i % 2 === 0 ? { sender: tag, content: tag } : [0, 1, 2].map((k) => ({ sender: tag, content: `${tag}-${k}` }));
            const res = await post(s.url, roomId, body);
            expect(res.status).toBe(201);
            const answer = (await res.json()) as Message | { messages: Message[] };
            const got = 'messages' in answer ? answer.messages : [answer];
            // A batch gets one contiguous range.
            expect(got.map((m) => m.seq)).toEqual(got.map((_, k) => got[0]!.seq + k));
            seqs.push(...got.map((m) => m.seq));
          }
          return seqs;
        }),
      ),
    );
    const total = 1 + 3 * 4 * 20;
    const everySeq = Array.from({ length: total }, (_, i) => i + 1);
    expect(sent.flat().concat(1).sort((x, y) => x - y)).toEqual(everySeq);

    const history = (await (await fetch(`${c!.url}/agent/rooms/${roomId}/history?after=0&limit=1000`)).json()) as History;
    expect(history.messages.map((m) => m.seq)).toEqual(everySeq);
    for (const [i, s] of subscribers.entries()) {
      await until(() => s.seen.length >= total, 60_000, `subscriber ${i} to see ${total} messages (has ${s.seen.length})`, 50);
      expect(s.seen.map((m) => m.seq)).toEqual(everySeq);
      expect(s.seen).toEqual(history.messages);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const s of subscribers) expect(s.seen).toHaveLength(total); // nothing came twice, late
  });

  test("presence is the fleet's: a stream and a long-poll named on B listen in A's answer, and stop there when they end", async () => {
    const redis = await startRedis();
    const [a, b] = await fleet(redis.url, 2);
    const { roomId } = (await (await fetch(`${a!.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"who"}' })).json()) as { roomId: string };
    const presenceOn = async (base: string) =>
      ((await (await fetch(`${base}/agent/rooms/${roomId}/presence`)).json()) as RoomPresence).agents;
    const listeningOn = async (base: string, name: string) => (await presenceOn(base)).find((e) => e.name === name)?.listening;
    const streamAbort = new AbortController();
    const pollAbort = new AbortController();
    aborts.push(streamAbort, pollAbort);
    const stream = await fetch(`${b!.url}/agent/rooms/${roomId}/stream?as=watcher`, { signal: streamAbort.signal });
    expect(stream.status).toBe(200);
    void fetch(`${b!.url}/agent/rooms/${roomId}/history?wait=30&as=poller`, { signal: pollAbort.signal }).catch(() => {});
    await until(async () => (await listeningOn(a!.url, 'watcher')) === true && (await listeningOn(a!.url, 'poller')) === true, 60_000, 'A to see B\'s listeners', 50);
    streamAbort.abort();
    pollAbort.abort();
    // After B's grace for a client between two polls (2 s), in A's answer as in B's.
    await until(async () => (await listeningOn(a!.url, 'watcher')) === false && (await listeningOn(a!.url, 'poller')) === false, 60_000, 'A to see them stop', 50);
    expect(await listeningOn(b!.url, 'watcher')).toBe(false);
    expect((await presenceOn(a!.url)).find((e) => e.name === 'watcher')?.lastSeenAt).toEqual(expect.any(String));
  });

  test('a room deleted through one server ends the streams on the others and is gone everywhere', async () => {
    const redis = await startRedis();
    const [a, b] = await fleet(redis.url, 2);
    const { roomId } = (await (await fetch(`${a!.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"doomed"}' })).json()) as { roomId: string };
    const stream = await fetch(`${b!.url}/agent/rooms/${roomId}/stream?after=0`);
    const text = stream.text();
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${a!.url}/agent/rooms/${roomId}`, { method: 'DELETE' })).status).toBe(204);
    expect(await text).toMatch(/event: deleted\n/);
    expect((await fetch(`${b!.url}/agent/rooms/${roomId}/history`)).status).toBe(404);
  });
});
