// Live listeners: every durable batch reaches each one in order, and one that throws stops neither the others nor the room.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { openStore } from '../helpers/app.js';

const texts = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${i + from}` }));

describe('subscribers', () => {
  test('a subscriber that throws does not stop the room, the other subscribers or later appends', async () => {
    const warnings: string[] = [];
    const store = await openStore({ warn: (m) => warnings.push(m) });
    const room = await store.createRoom({ name: 'r' });
    const seen: number[] = [];
    store.subscribe(room.id, () => {
      throw new Error('listener bug');
    });
    store.subscribe(room.id, (ms: readonly Message[]) => seen.push(...ms.map((m) => m.seq)));
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let i = 0; i < 5; i++) await store.append(room.id, texts(2, 2 * i + 1));
      await Promise.all([store.append(room.id, texts(1, 11)), store.append(room.id, texts(1, 12))]);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await store.read(room.id, { after: 0, limit: 100 })).map((m) => m.content)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i + 1}`));
    expect(unhandled).toEqual([]);
    expect(warnings.join('\n')).toMatch(/a subscriber of room \S+ failed: Error: listener bug/);
  });
});
