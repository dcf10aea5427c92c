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
});
