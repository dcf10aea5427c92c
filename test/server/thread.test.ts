// history?thread=ID: one message and every reply to it, directly or through other replies, in seq order.
import { describe, expect, test } from 'vitest';
import type { History, Message } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';

async function chain() {
  const t = await testApp({ storeOptions: { windowSize: 2 } });
  const { roomId } = await t.client.createRoom('threads');
  const root = await t.client.send(roomId, { sender: 'planner', content: 'root' });
  await t.client.send(roomId, { sender: 'other', content: 'unrelated' });
  const a = await t.client.send(roomId, { sender: 'coder', content: 'reply a', replyTo: root.id });
  const b = await t.client.send(roomId, { sender: 'reviewer', content: 'reply to a', replyTo: a.id });
  await t.client.send(roomId, { sender: 'other', content: 'reply elsewhere', replyTo: 'msg_not_in_this_room' });
  const c = await t.client.send(roomId, { sender: 'planner', content: 'reply c', replyTo: root.id });
  return { ...t, roomId, root, a, b, c };
}

const contents = (ms: Message[]) => ms.map((m) => m.content);

describe('history?thread', () => {
  test('the message and its replies at any depth, nothing else, oldest first; after and limit page through it', async () => {
    const { client, roomId, root, a, b } = await chain();
    expect(contents(await client.history(roomId, { thread: root.id }))).toEqual(['root', 'reply a', 'reply to a', 'reply c']);
    expect(contents(await client.history(roomId, { thread: a.id }))).toEqual(['reply a', 'reply to a']);
    expect(contents(await client.history(roomId, { thread: b.id }))).toEqual(['reply to a']);
    expect(contents(await client.history(roomId, { thread: root.id, after: a.seq, limit: 1 }))).toEqual(['reply to a']);
  });

  test('an unknown id is a 404 saying thread takes an id; with wait it is a 400', async () => {
    const { json, roomId, root } = await chain();
    const missing = await json('GET', `/agent/rooms/${roomId}/history?thread=3`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'message_not_found',
      message: expect.stringContaining('thread takes the id of a message'),
    });
    const waiting = await json('GET', `/agent/rooms/${roomId}/history?thread=${root.id}&wait=1`);
    expect(waiting.status).toBe(400);
    const ok = await json('GET', `/agent/rooms/${roomId}/history?thread=${root.id}`);
    expect(((await ok.json()) as History).messages).toHaveLength(4);
  });
});
