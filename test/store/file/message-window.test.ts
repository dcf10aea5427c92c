// The in-memory windows: capped by count, by bytes per room and by one budget for all rooms; reads past them use the log.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../../src/api/types.js';
import { CacheBudget } from '../../../src/store/file/cache-budget.js';
import { rememberJson } from '../../../src/store/message-json.js';
import { MessageWindow } from '../../../src/store/file/message-window.js';
import { openStore } from '../../helpers/app.js';

/** Messages whose JSON text is exactly `size` characters. */
function messages(from: number, n: number, size: number): Message[] {
  return Array.from({ length: n }, (_, i) => {
    const m: Message = { id: 'i', seq: from + i, roomId: 'r', sender: 's', content: '', createdAt: 't' };
    m.content = 'x'.repeat(size - JSON.stringify(m).length);
    rememberJson(m, JSON.stringify(m));
    return m;
  });
}

const seqs = (w: MessageWindow, first: number, last: number) => w.slice(first, last).map((m) => m.seq);

describe('MessageWindow', () => {
  test('keeps at most twice its count, cutting back to its count', () => {
    const w = new MessageWindow(10, 1e9);
    w.add(messages(1, 20, 100));
    expect(w.firstSeq).toBe(1);
    w.add(messages(21, 1, 100));
    expect(w.firstSeq).toBe(12);
    expect(seqs(w, 12, 21)).toEqual(Array.from({ length: 10 }, (_, i) => 12 + i));
    expect(w.bytes).toBe(1000);
  });

  test('keeps at most its bytes, dropping the oldest first, and counts what retention drops', () => {
    const w = new MessageWindow(1000, 1000);
    w.add(messages(1, 3, 300));
    expect([w.firstSeq, w.bytes]).toEqual([1, 900]);
    w.add(messages(4, 2, 300));
    expect([w.firstSeq, w.bytes]).toEqual([3, 900]);
    w.add(messages(6, 1, 5000));
    expect([w.firstSeq, w.bytes]).toEqual([undefined, 0]);
    w.add(messages(7, 3, 100));
    w.dropBefore(9);
    expect([w.firstSeq, w.bytes]).toEqual([9, 100]);
  });

  test('the budget shared by all rooms empties the least recently written windows first', () => {
    const budget = new CacheBudget(1000);
    const [a, b, c] = [0, 1, 2].map(() => new MessageWindow(1000, 1000, budget)) as [MessageWindow, MessageWindow, MessageWindow];
    a.add(messages(1, 3, 100));
    b.add(messages(1, 3, 100));
    c.add(messages(1, 3, 100));
    a.add(messages(4, 1, 100)); // a is now the most recently written
    expect(budget.bytes).toBe(1000);
    c.add(messages(4, 2, 100));
    // Over by 200: b, the least recently written, gives up its window; a and c keep theirs.
    expect([a.bytes, b.bytes, c.bytes, budget.bytes]).toEqual([400, 0, 500, 900]);
    a.clear();
    expect(budget.bytes).toBe(500);
  });
});

describe('FileStore memory caps', () => {
  test('rooms whose windows were cut or emptied still read every message, from the log', async () => {
    const store = await openStore({ windowBytes: 20_000, cacheBytes: 50_000 });
    const rooms = await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.createRoom({ name })));
    const content = (r: number, i: number) => `${r}:${i}:${'y'.repeat(2000)}`;
    for (let i = 0; i < 30; i++) {
      for (const [r, room] of rooms.entries()) await store.append(room.id, [{ sender: 's', content: content(r, i) }]);
    }
    for (const [r, room] of rooms.entries()) {
      expect((await store.read(room.id, { after: 0, limit: 100 })).map((m) => m.content)).toEqual(Array.from({ length: 30 }, (_, i) => content(r, i)));
      expect((await store.read(room.id, { limit: 3 })).map((m) => m.seq)).toEqual([28, 29, 30]);
      expect((await store.read(room.id, { after: 12, limit: 2 })).map((m) => m.seq)).toEqual([13, 14]);
    }
  });
});
