// Posting and reading messages in-process: fields, seq order, paging by seq, batches.
import { describe, expect, test } from 'vitest';
import { HISTORY_DEFAULT_LIMIT } from '../../src/api/limits.js';
import type { History, Message } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';

describe('messages', () => {
  test('the documented post and history calls work verbatim', async () => {
    const { json, app } = await testApp();
    const { roomId } = (await (await json('POST', '/agent/demo/room', { name: 'agent-collab' })).json()) as { roomId: string };
    const post = await json('POST', `/agent/rooms/${roomId}/messages`, {
      sender: 'claude-agent',
      content: 'Research complete. Found 3 key points.',
    });
    expect(post.status).toBe(201);
    const history = (await (await app.request(`/agent/rooms/${roomId}/history`)).json()) as History;
    expect(history.roomId).toBe(roomId);
    expect(history.messages).toHaveLength(1);
    expect(history.messages[0]).toMatchObject({ seq: 1, roomId, sender: 'claude-agent', content: 'Research complete. Found 3 key points.' });
  });

  test('a message carries id, seq, roomId, sender, content, createdAt and the optional hand-off fields', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const first = await client.send(roomId, { sender: 'a', content: 'task' });
    const reply = await client.send(roomId, {
      sender: 'b',
      content: 'done',
      to: ['a'],
      replyTo: first.id,
      type: 'result',
      metadata: { score: 0.9, tags: ['x'] },
    });
    expect(first).toEqual({ id: expect.any(String), seq: 1, roomId, sender: 'a', content: 'task', createdAt: expect.any(String) });
    expect(reply).toMatchObject({ seq: 2, to: ['a'], replyTo: first.id, type: 'result', metadata: { score: 0.9, tags: ['x'] } });
    expect(new Date(reply.createdAt).toISOString()).toBe(reply.createdAt);
    expect(first.id).not.toBe(reply.id);
  });

  test('seq only grows, also under concurrent posts', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const sent = await Promise.all(Array.from({ length: 200 }, (_, i) => client.send(roomId, { sender: 's', content: String(i) })));
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const all = await client.history(roomId, { after: 0, limit: 1000 });
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  test('history without after gives the latest `limit`, oldest first; with after it pages through everything', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, Array.from({ length: 250 }, (_, i) => ({ sender: 's', content: `m${i + 1}` })));
    const latest = await client.history(roomId);
    expect(latest).toHaveLength(HISTORY_DEFAULT_LIMIT);
    expect(latest[0]?.seq).toBe(151);
    expect(latest.at(-1)?.seq).toBe(250);
    expect((await client.history(roomId, { limit: 3 })).map((m) => m.seq)).toEqual([248, 249, 250]);

    const seen: Message[] = [];
    for (let after = 0; ; ) {
      const page = await client.history(roomId, { after, limit: 70 });
      if (page.length === 0) break;
      seen.push(...page);
      after = page.at(-1)!.seq;
    }
    expect(seen.map((m) => m.content)).toEqual(Array.from({ length: 250 }, (_, i) => `m${i + 1}`));
  });

  test('a batch is stored as one contiguous seq range and answered with every message', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 's', content: 'before' });
    const batch = await client.sendBatch(roomId, [
      { sender: 'a', content: '1' },
      { sender: 'b', content: '2', to: ['a'] },
    ]);
    expect(batch.map((m) => m.seq)).toEqual([2, 3]);
  });

  test('a batch with one bad message stores nothing', async () => {
    const { client, json } = await testApp();
    const { roomId } = await client.createRoom('r');
    const res = await json('POST', `/agent/rooms/${roomId}/messages`, [
      { sender: 'a', content: 'fine' },
      { sender: 'b', content: '' },
    ]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/message 2: content must not be empty/);
    expect(await client.history(roomId)).toEqual([]);
  });

  // On Redis the room is not read before the append (src/server/send.ts): its refusal must still come first.
  test('a missing room answers 404 before the body is judged: no content type, not JSON, an invalid message, a good one', async () => {
    const { client, json, app, store } = await testApp();
    const { roomId } = await client.createRoom('gone');
    await store.deleteRoom(roomId);
    const path = `/agent/rooms/${roomId}/messages`;
    const answers = [
      await app.request(path, { method: 'POST', body: '{"sender":"a","content":"b"}' }),
      await json('POST', path, '{not json'),
      await json('POST', path, { sender: 'a', content: '' }),
      await json('POST', path, { sender: 'a', content: 'b' }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'room_not_found', message: expect.stringContaining('are addressed by the id') });
    }
    expect(await store.getRoom(roomId)).toBeUndefined();
  });

  test('history pages correctly through messages older than the in-memory window (read from the log)', async () => {
    const { client } = await testApp({ storeOptions: { windowSize: 16 } });
    const { roomId } = await client.createRoom('r');
    for (let i = 0; i < 5; i++) await client.sendBatch(roomId, Array.from({ length: 100 }, (_, j) => ({ sender: 's', content: `m${i * 100 + j + 1}` })));
    const seen: string[] = [];
    for (let after = 0; ; ) {
      const page = await client.history(roomId, { after, limit: 37 });
      if (page.length === 0) break;
      seen.push(...page.map((m) => m.content));
      after = page.at(-1)!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => `m${i + 1}`));
    expect((await client.history(roomId, { after: 3, limit: 2 })).map((m) => m.seq)).toEqual([4, 5]);
  });
});
