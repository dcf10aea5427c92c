// SSE in-process: live delivery, resume from Last-Event-ID and ?after without gaps or repeats, heartbeats.
import { describe, expect, test } from 'vitest';
import { parseSse, type SseEvent } from '../../src/client/sse.js';
import { testApp } from '../helpers/app.js';

async function collect(res: Response, count: number): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const it = parseSse(res.body!);
  for await (const e of it) {
    events.push(e);
    if (events.length === count) break;
  }
  return events;
}

describe('GET /agent/rooms/:id/stream', () => {
  test('sends each new message as an event whose id is the seq', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 'a', content: 'before connecting' });
    const ac = new AbortController();
    const res = await app.request(`/agent/rooms/${roomId}/stream`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = collect(res, 2);
    await client.send(roomId, { sender: 'a', content: 'one' });
    await client.send(roomId, { sender: 'b', content: 'two' });
    const got = await events;
    ac.abort();
    expect(got.map((e) => [e.id, e.event, JSON.parse(e.data).content])).toEqual([
      ['2', 'message', 'one'],
      ['3', 'message', 'two'],
    ]);
  });

  test.each([
    ['Last-Event-ID header', { headers: { 'last-event-id': '2' } }, ''],
    ['?after query', {}, '?after=2'],
  ])('resumes from the %s with no gap and no duplicate', async (_name, init, query) => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [1, 2, 3, 4].map((n) => ({ sender: 'a', content: `m${n}` })));
    const ac = new AbortController();
    const res = await app.request(`/agent/rooms/${roomId}/stream${query}`, { ...init, signal: ac.signal });
    const events = collect(res, 3);
    await client.send(roomId, { sender: 'a', content: 'm5' });
    const got = await events;
    ac.abort();
    expect(got.map((e) => Number(e.id))).toEqual([3, 4, 5]);
  });

  test('writes heartbeat comments while idle', async () => {
    const { client, app } = await testApp({ heartbeatMs: 30 });
    const { roomId } = await client.createRoom('r');
    const ac = new AbortController();
    const res = await app.request(`/agent/rooms/${roomId}/stream`, { signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(': ping')) text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    expect(text).toContain(': ping');
  });

  test('a Last-Event-ID that is not a seq is a 400', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    const res = await app.request(`/agent/rooms/${roomId}/stream`, { headers: { 'last-event-id': 'abc' } });
    expect(res.status).toBe(400);
  });
});
