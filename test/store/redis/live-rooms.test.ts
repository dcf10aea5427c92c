// A room whose keys leave Redis without a delete notice (flushed, evicted, deleted by hand): its SSE streams end with
// the deleted event instead of pinging on (a real redis-server; the store checks watched rooms every 100 ms here).
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { testApp } from '../../helpers/app.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.skipIf(!hasRedis)('Redis store: rooms that vanish', () => {
  test('an SSE stream of a room whose keys were removed behind the store ends with event: deleted', async () => {
    const redis = await sharedRedis();
    const prefix = `vanish${Date.now()}:`;
    const store = new RedisStore({ url: redis.url, prefix, warn: () => {}, roomCheckMs: 100 });
    await store.open();
    open.push(store);
    const { app, client } = await testApp({ store, heartbeatMs: 50 });
    const { roomId } = await client.createRoom('vanishing');
    await client.send(roomId, { sender: 's', content: 'hello' });
    const stream = await app.request(`/agent/rooms/${roomId}/stream?after=0`);
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (want: RegExp) => {
      const end = Date.now() + 10_000; // a guard against a hang, not a speed check
      while (!want.test(text)) {
        const next = await Promise.race([reader.read(), new Promise<'late'>((r) => setTimeout(() => r('late'), end - Date.now()))]);
        if (next === 'late') throw new Error(`no ${want} within 10 s; got: ${text.slice(-200)}`);
        if (next.done) break;
        text += new TextDecoder().decode(next.value);
      }
      return text;
    };
    await readUntil(/hello[\s\S]*: ping/);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    open.push({ close: () => raw.close() });
    await raw.del(await raw.keys(`${prefix}*`)); // gone without the store's delete, so no notice
    expect(await readUntil(/event: deleted\n/)).toMatch(/event: deleted\ndata: \{"reason":"the room was deleted"\}\n\n$/);
    expect((await reader.read()).done).toBe(true);
  });
});
