// Long-polling history with ?wait: early return on a new message, empty at the deadline, no wait when data exists.
import { describe, expect, test } from 'vitest';
import type { History } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';

describe('history?wait (long-poll)', () => {
  test('returns as soon as a message past `after` is stored', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    const started = Date.now();
    const pending = app.request(`/agent/rooms/${roomId}/history?after=0&wait=20`);
    setTimeout(() => void client.send(roomId, { sender: 'a', content: 'wake up' }), 100);
    const body = (await (await pending).json()) as History;
    expect(body.messages.map((m) => m.content)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('answers empty at the deadline', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    const started = Date.now();
    const res = await app.request(`/agent/rooms/${roomId}/history?after=0&wait=0.3`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as History).messages).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  test('does not wait when messages past `after` already exist', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 'a', content: 'here' });
    const res = await app.request(`/agent/rooms/${roomId}/history?after=0&wait=30`);
    expect(((await res.json()) as History).messages).toHaveLength(1);
  });

  test('wait without after waits for the next message from now', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 'a', content: 'old' });
    const pending = app.request(`/agent/rooms/${roomId}/history?wait=20`);
    setTimeout(() => void client.send(roomId, { sender: 'a', content: 'new' }), 50);
    expect(((await (await pending).json()) as History).messages.map((m) => m.content)).toEqual(['new']);
  });

  test('after past the newest seq is a 400 at once, with or without wait, instead of an answer the next message cannot fill', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [{ sender: 'a', content: 'one' }, { sender: 'a', content: 'two' }]);
    const started = Date.now();
    for (const query of ['after=7&wait=30', 'after=7']) {
      const res = await app.request(`/agent/rooms/${roomId}/history?${query}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: 'invalid_query',
        message: 'after must be a whole number from 0 to 2 (got "7").',
        requestId: expect.any(String),
      });
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('after equal to the newest seq waits for the next message and answers with it', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [{ sender: 'a', content: 'one' }, { sender: 'a', content: 'two' }]);
    const pending = app.request(`/agent/rooms/${roomId}/history?after=2&wait=20`);
    setTimeout(() => void client.send(roomId, { sender: 'b', content: 'three' }), 50);
    const body = (await (await pending).json()) as History;
    expect(body.messages.map((m) => [m.seq, m.content])).toEqual([[3, 'three']]);
  });

  test('a page read forward stops at about 1 MiB of messages; without after it keeps the newest', async () => {
    const { client, app } = await testApp();
    const { roomId } = await client.createRoom('r');
    for (let b = 0; b < 3; b++) {
      await client.sendBatch(roomId, Array.from({ length: 300 }, (_, i) => ({ sender: 'a', content: `${b * 300 + i + 1} ${'x'.repeat(2000)}` })));
    }
    const forward = ((await (await app.request(`/agent/rooms/${roomId}/history?after=0&limit=1000`)).json()) as History).messages;
    const newest = ((await (await app.request(`/agent/rooms/${roomId}/history?limit=1000`)).json()) as History).messages;
    // About 2.1 KB of JSON each: 490 fit in 1 MiB.
    for (const page of [forward, newest]) {
      expect(page.length).toBeGreaterThan(400);
      expect(page.length).toBeLessThan(500);
    }
    expect(forward[0]!.seq).toBe(1);
    expect(newest.at(-1)!.seq).toBe(900);
    expect(forward.map((m) => m.seq)).toEqual(Array.from({ length: forward.length }, (_, i) => i + 1));
  });
});
