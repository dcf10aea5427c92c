// Live delivery on Redis (a real redis-server): a room's notices reach only the servers with listeners in it; a room
// whose keys leave Redis without a delete notice (flushed, evicted, deleted by hand): its SSE streams end with the
// deleted event instead of pinging on (the store checks watched rooms every 100 ms here).
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { testApp } from '../../helpers/app.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';
import { until } from '../../helpers/until.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.skipIf(!hasRedis)('Redis store: who hears a room', () => {
  test("a room's notices go only to servers with listeners in it, from the first listener to the last", async () => {
    const redis = await sharedRedis();
    const prefix = `hear${Date.now()}:`;
    const [sender, listener] = [0, 1].map(() => new RedisStore({ url: redis.url, prefix, warn: () => {} }));
    for (const s of [sender!, listener!]) {
      await s.open();
      open.push(s);
    }
    const raw = createClient({ url: redis.url });
    await raw.connect();
    open.push({ close: () => raw.close() });
    const quiet = await sender!.createRoom({ name: 'nobody listens' });
    const busy = await sender!.createRoom({ name: 'one server listens' });
    // How many connections Redis would hand each room's notices to: a server subscribed to everything counts in each.
    const hearers = async (roomId: string) => {
      const [, n] = (await raw.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}{${roomId}}:notices`])) as [string, number];
      return n;
    };
    const got: number[] = [];
    const stop = listener!.subscribe(busy.id, (messages) => got.push(...messages.map((m) => m.seq)));
    await until(async () => (await hearers(busy.id)) === 1, 10_000, 'the listening server subscribes the room');
    for (const room of [quiet, busy, quiet]) await sender!.append(room.id, [{ sender: 's', content: 'x' }]);
    await until(async () => got.length === 1, 10_000, 'the listener hears the send through the other server');
    expect(got).toEqual([1]);
    expect(await hearers(quiet.id)).toBe(0);
    stop();
    await until(async () => (await hearers(busy.id)) === 0, 10_000, 'the server unsubscribes after its last listener');
    // Listening again after that: the room's channel is taken again and the sends reach it.
    const again: number[] = [];
    const stop2 = listener!.subscribe(busy.id, (messages) => again.push(...messages.map((m) => m.seq)));
    await until(async () => (await hearers(busy.id)) === 1, 10_000, 'the server subscribes the room again');
    await sender!.append(busy.id, [{ sender: 's', content: 'y' }]);
    await until(async () => again.length === 1, 10_000, 'the listener hears the next send');
    expect(again).toEqual([2]);
    stop2();
  });
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
