// A2A send-once across servers: the same messageId sent to two servers sharing one Redis (at once, and again later)
// is stored once, and every call answers with that one message.
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisSentIds } from '../../../src/store/redis/sent-ids.js';
import { openStore, testApp } from '../../helpers/app.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';

const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
});

const send = (messageId: string, contextId?: string) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'message/send',
  params: { message: { kind: 'message', messageId, role: 'user', ...(contextId && { contextId }), parts: [{ kind: 'text', text: `hello ${messageId}` }], metadata: { sender: 'agent' } } },
});

describe.runIf(hasRedis)('A2A sends remembered in Redis', () => {
  test('one messageId through two servers, concurrently and retried: one message, the same answer', async () => {
    const redis = await sharedRedis();
    const store = await openStore();
    const servers = await Promise.all(
      [1, 2].map(async () => {
        const link = createClient({ url: redis.url });
        await link.connect();
        clients.push(link);
        return testApp({ store, a2aSent: new RedisSentIds({ redis: link, prefix: 'a2a-test:', roomExists: async (id) => Boolean(await store.getRoom(id)) }) });
      }),
    );
    const room = await store.createRoom({ name: 'a2a fleet' });
    const call = async (i: number, body: unknown) => {
      const res = await servers[i]!.json('POST', '/agent/a2a', body);
      return { status: res.status, body: (await res.json()) as { result: { messageId: string; contextId: string } } };
    };
    const answers = await Promise.all([0, 1, 0, 1].map((i) => call(i, send('same-1', room.id))));
    const again = await call(1, send('same-1', room.id));
    const history = await store.read(room.id, { limit: 10 });
    expect(history.map((m) => m.content)).toEqual(['hello same-1']);
    for (const a of [...answers, again]) expect(a).toMatchObject({ status: 200, body: { result: answers[0]!.body.result } });
    // A different messageId is a different send.
    await call(0, send('other-2', room.id));
    expect((await store.read(room.id, { limit: 10 })).map((m) => m.content)).toEqual(['hello same-1', 'hello other-2']);
    // Without a contextId each call would open a room: the retry on the other server finds the first one's.
    const opened = await call(0, send('new-room-3'));
    const retried = await call(1, send('new-room-3'));
    expect(retried.body.result).toEqual(opened.body.result);
    expect((await store.listRooms()).length).toBe(2);
    // A deleted room's sends are forgotten: the retry opens a new room instead of naming the deleted one.
    await store.deleteRoom(opened.body.result.contextId);
    const reopened = await call(1, send('new-room-3'));
    expect(reopened.body.result.contextId).not.toBe(opened.body.result.contextId);
    expect((await store.listRooms()).length).toBe(2);
  });
});
