// Store contract, messages: the same cases against the file store and the Redis store (seq, reads, live listeners).
import { describe, expect, test, vi } from 'vitest';
import type { Message } from '../../../src/api/types.js';
import { messageJson } from '../../../src/store/message-json.js';
import { STORE_KINDS, openStoreOf } from '../../helpers/stores.js';

const texts = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${i + from}` }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(STORE_KINDS)('%s store: messages', (kind) => {
  test('a batch gets one contiguous seq range; reads return exactly what was stored, newest or after a seq', async () => {
    const store = await openStoreOf(kind);
    const { id } = await store.createRoom({ name: 'r' });
    const rich = { sender: 'ann', content: 'hi @bob ünïcödé 🎉', to: ['bob'], type: 'note', replyTo: 'x', metadata: { n: 1, deep: { a: [1, 'b'] } }, mentions: ['bob'], verified: true };
    const [first] = await store.append(id, [rich]);
    expect(first).toMatchObject({ ...rich, seq: 1, roomId: id });
    expect(JSON.parse(messageJson(first!))).toEqual(first);
    const batch = await store.append(id, texts(4, 2));
    expect(batch.map((m) => m.seq)).toEqual([2, 3, 4, 5]);
    expect(new Set(batch.map((m) => m.createdAt)).size).toBe(1);
    const all = await store.read(id, { after: 0, limit: 100 });
    expect(all).toEqual([first, ...batch]);
    expect(all.map((m) => JSON.parse(messageJson(m)))).toEqual([first, ...batch]);
    expect((await store.read(id, { limit: 2 })).map((m) => m.seq)).toEqual([4, 5]);
    expect((await store.read(id, { after: 2, limit: 2 })).map((m) => m.seq)).toEqual([3, 4]);
    expect(await store.read(id, { after: 5, limit: 10 })).toEqual([]);
    expect(await store.getRoom(id)).toMatchObject({ messageCount: 5, lastSeq: 5, lastActivityAt: batch[0]!.createdAt });
  });

  test('concurrent appends: every seq once, no gap, each batch contiguous', async () => {
    const store = await openStoreOf(kind);
    const { id } = await store.createRoom({ name: 'r' });
    const batches = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(id, texts(5, i * 5 + 1))));
    for (const b of batches) expect(b.map((m) => m.seq)).toEqual(range(b[0]!.seq, b[0]!.seq + 4));
    expect(batches.flatMap((b) => b.map((m) => m.seq)).sort((a, b) => a - b)).toEqual(range(1, 100));
    expect((await store.read(id, { after: 0, limit: 1000 })).map((m) => m.seq)).toEqual(range(1, 100));
  });

  test('a subscriber gets every batch made durable after it subscribed, in seq order, until it unsubscribes', async () => {
    const store = await openStoreOf(kind);
    const { id } = await store.createRoom({ name: 'r' });
    await store.append(id, texts(3));
    const seen: number[] = [];
    const other: number[] = [];
    const stop = store.subscribe(id, (ms: readonly Message[]) => seen.push(...ms.map((m) => m.seq)));
    store.subscribe(id, () => {
      throw new Error('listener bug');
    });
    store.subscribe(id, (ms: readonly Message[]) => other.push(...ms.map((m) => m.seq)));
    await store.read(id, { limit: 1 }); // what a route does right after subscribing
    for (let i = 0; i < 5; i++) await store.append(id, texts(2));
    await Promise.all([store.append(id, texts(3)), store.append(id, texts(3))]);
    await vi.waitFor(() => expect(seen).toEqual(range(4, 19)));
    await vi.waitFor(() => expect(other).toEqual(range(4, 19)));
    stop();
    await store.append(id, texts(1));
    await vi.waitFor(() => expect(other).toEqual(range(4, 20)));
    expect(seen).toEqual(range(4, 19));
  });

  test('count retention keeps the newest messages; seq goes on from the newest', async () => {
    const store = await openStoreOf(kind, { retention: { maxMessages: 3 } });
    const { id } = await store.createRoom({ name: 'r' });
    for (let i = 0; i < 5; i++) await store.append(id, texts(2, i * 2 + 1));
    expect((await store.read(id, { after: 0, limit: 100 })).map((m) => m.seq)).toEqual([8, 9, 10]);
    expect((await store.read(id, { limit: 100 })).map((m) => m.seq)).toEqual([8, 9, 10]);
    expect(await store.getRoom(id)).toMatchObject({ messageCount: 3, lastSeq: 10 });
  });
});
