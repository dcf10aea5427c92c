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

  test('caught-up subscribers, one with a filter and one still reading its backlog, each get every commit once, in order', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, Array.from({ length: 40 }, (_, i) => ({ sender: 'old', content: `backlog ${i}` })));
    const open = (query: string) => {
      const ac = new AbortController();
      return { ac, res: app.request(`/agent/rooms/${roomId}/stream${query}`, { signal: ac.signal }) };
    };
    const live = [open('?after=40'), open('?after=40')];
    const filtered = open('?after=40&from=b');
    const behind = open('?after=0');
    const started = await Promise.all([...live, filtered, behind].map((s) => s.res));
    // Sends made together are one commit (several messages in one call of the listeners); the 120-message batch of
    // 1,000 characters each is more than a page, so it goes out in pages.
    const big = Array.from({ length: 120 }, (_, i) => ({ sender: 'a', content: `${i} ${'x'.repeat(1000)}` }));
    const sent = [
      ...(await Promise.all(['a', 'b', 'a', 'b'].map((sender, i) => client.send(roomId, { sender, content: `together ${i}` })))),
      ...(await client.sendBatch(roomId, big)),
      await client.send(roomId, { sender: 'b', content: 'last' }),
    ];
    const seqs = sent.map((m) => m.seq).sort((x, y) => x - y);
    const [a, b, f, old] = await Promise.all([
      collect(started[0]!, seqs.length),
      collect(started[1]!, seqs.length),
      collect(started[2]!, sent.filter((m) => m.sender === 'b').length),
      collect(started[3]!, 40 + seqs.length),
    ]);
    [...live, filtered, behind].forEach((s) => s.ac.abort());
    expect(a!.map((e) => Number(e.id))).toEqual(seqs);
    expect(b!.map((e) => Number(e.id))).toEqual(seqs);
    expect(a!.map((e) => JSON.parse(e.data).content)).toEqual(b!.map((e) => JSON.parse(e.data).content));
    expect(f!.map((e) => Number(e.id))).toEqual(sent.filter((m) => m.sender === 'b').map((m) => m.seq).sort((x, y) => x - y));
    expect(old!.map((e) => Number(e.id))).toEqual([...Array.from({ length: 40 }, (_, i) => i + 1), ...seqs]);
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

  test.each([
    ['a Last-Event-ID that is not a seq', { 'last-event-id': 'abc' }, '', 'invalid_last_event_id', /Last-Event-ID must be a whole number from 0 to 3 \(got "abc"\)/],
    ['a Last-Event-ID past the safe integers', { 'last-event-id': '99999999999999999999999' }, '', 'invalid_last_event_id', /from 0 to 3/],
    ['a Last-Event-ID past the newest seq', { 'last-event-id': '4' }, '', 'invalid_last_event_id', /from 0 to 3 \(got "4"\)/],
    ['an empty Last-Event-ID', { 'last-event-id': '' }, '', 'invalid_last_event_id', /got ""/],
    ['?after past the newest seq', {}, '?after=4', 'invalid_query', /after must be a whole number from 0 to 3 \(got "4"\)/],
  ])('%s is a 400 that names the valid range, never a stream that cannot deliver', async (_name, headers, query, code, says) => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [1, 2, 3].map((n) => ({ sender: 'a', content: `m${n}` })));
    const res = await app.request(`/agent/rooms/${roomId}/stream${query}`, { headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code, message: expect.stringMatching(says) });
  });

  test('Last-Event-ID equal to the newest seq is accepted and delivers what comes next', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [1, 2, 3].map((n) => ({ sender: 'a', content: `m${n}` })));
    const ac = new AbortController();
    const res = await app.request(`/agent/rooms/${roomId}/stream`, { headers: { 'last-event-id': '3' }, signal: ac.signal });
    const events = collect(res, 1);
    await client.send(roomId, { sender: 'a', content: 'm4' });
    expect((await events).map((e) => e.id)).toEqual(['4']);
    ac.abort();
  });

  test('a backlog larger than a page arrives whole, in order, in pages of bounded size', async () => {
    const { client, app } = await testApp({ storeOptions: { windowSize: 8 } });
    const { roomId } = await client.createRoom('r');
    // 600 messages of 1 KB: several 64 KiB pages, most of them read from disk past the small window.
    await client.sendBatch(roomId, Array.from({ length: 600 }, (_, i) => ({ sender: 'a', content: `${i + 1} ${'x'.repeat(1000)}` })));
    const ac = new AbortController();
    const res = await app.request(`/agent/rooms/${roomId}/stream?after=0`, { signal: ac.signal });
    const got = await collect(res, 600);
    ac.abort();
    expect(got.map((e) => Number(e.id))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  });
});
