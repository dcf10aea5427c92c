// Bounded open files: with room for a few rooms' files, many rooms written and read at once keep working, the process
// holds no more descriptors than the limit allows, and a restart finds every message.
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HandlePool, openFileShare } from '../../../src/store/file/handle-pool.js';
import { openStore } from '../../helpers/app.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** Descriptors of this process open on files under `dir` (the catalog journal, the lock and vitest's own are not room
 *  files; counting every descriptor made the peak depend on what else the process did at that moment). */
const fdsUnder = async (dir: string): Promise<number> => {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '');
    if (target.startsWith(`${dir}/`)) n++;
  }
  return n;
};

describe('open-file pool', () => {
  test.each([2, 8])('max %i descriptors: 60 rooms written and read concurrently; nothing lost, never more open', async (max) => {
    const dir = await tempDir();
    const store = await openStore({ dir, maxOpenFiles: max, windowSize: 0 });
    const rooms = await Promise.all(Array.from({ length: 60 }, (_, i) => store.createRoom({ name: `r${i}` })));
    let peak = 0;
    const roomFiles = join(dir, 'rooms');
    const sample = setInterval(() => void fdsUnder(roomFiles).then((n) => (peak = Math.max(peak, n))), 1);
    // 5 rounds: every room gets a batch while others are read from disk (window 0: every read opens files).
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        rooms.flatMap((r, i) => [
          store.append(r.id, [{ sender: 's', content: `${i}.${round}a` }, { sender: 's', content: `${i}.${round}b` }]),
          store.read(rooms[(i + 7) % rooms.length]!.id, { after: 0, limit: 100 }),
        ]),
      );
    }
    clearInterval(sample);
    for (const [i, r] of rooms.entries()) {
      expect((await store.read(r.id, { after: 0, limit: 100 })).map((m) => m.content)).toEqual(
        Array.from({ length: 5 }, (_, round) => [`${i}.${round}a`, `${i}.${round}b`]).flat(),
      );
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(max);
    await store.close();

    const again = await openStore({ dir, maxOpenFiles: max });
    expect(await fdsUnder(roomFiles)).toBe(0); // the open itself opens no room file
    const listed = await again.listRooms();
    expect(listed).toHaveLength(60);
    expect(listed.every((r) => r.lastSeq === 10 && r.messageCount === 10)).toBe(true);
    expect((await again.append(rooms[0]!.id, [{ sender: 's', content: 'next' }]))[0]?.seq).toBe(11);
  });

  test('compaction and redaction work when the pool is full of other rooms', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir, maxOpenFiles: 4, retention: { maxMessages: 10 }, windowSize: 0 });
    const rooms = await Promise.all(Array.from({ length: 6 }, (_, i) => store.createRoom({ name: `r${i}` })));
    const big = 'x'.repeat(20_000);
    // ~100 x 20 KB per room: past the 1 MiB that makes retention rewrite a log, in every room, interleaved.
    for (let round = 0; round < 100; round++) {
      await Promise.all(rooms.map((r) => store.append(r.id, [{ sender: 's', content: `${round} ${big}` }])));
    }
    for (const r of rooms) {
      const kept = await store.read(r.id, { after: 0, limit: 100 });
      expect(kept.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 91 + i));
      expect((await store.redact(r.id, 95))?.content).toBe('[redacted]');
    }
    await store.close();
    const again = await openStore({ dir, maxOpenFiles: 4, retention: { maxMessages: 10 } });
    for (const r of rooms) {
      const kept = await again.read(r.id, { after: 0, limit: 100 });
      expect(kept.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 91 + i));
      expect(kept.find((m) => m.seq === 95)?.content).toBe('[redacted]');
    }
  }, 60_000);

  test('the pool closes the least recently used idle room first, and waits while every open room is busy', async () => {
    const pool = new HandlePool(4);
    const closed: string[] = [];
    const room = (name: string, busy = () => false) => ({
      closeIfIdle: () => {
        if (busy()) return 0;
        closed.push(name);
        queueMicrotask(() => pool.release(r[name]!, 2, true));
        return 2;
      },
    });
    let bBusy = true;
    const r: Record<string, ReturnType<typeof room>> = { a: room('a'), b: room('b', () => bBusy), c: room('c') };
    await pool.take(r.a!, 2);
    await pool.take(r.b!, 2);
    pool.touch(r.a!); // b is now the least recently used, but busy
    await pool.take(r.c!, 2);
    expect(closed).toEqual(['a']);
    let got = false;
    const d = room('d');
    const waiting = pool.take(d, 2).then(() => (got = true));
    await new Promise((res) => setTimeout(res, 10));
    expect(closed).toEqual(['a', 'c']); // b is busy: c goes, though used more recently
    await waiting;
    expect(got).toBe(true);
    expect(pool.inUse).toBe(4);
    expect(() => new HandlePool(1)).toThrow(/at least 2/);
  });

  test.each([
    ['Max open files            20000                20000                files', 5000],
    ['Max open files            1024                 524288               files', 256],
    ['Max open files            5                    5                    files', 2],
    ['', 256],
  ])('the default budget is a quarter of the soft open-file limit (%j), 256 when it cannot be read', (line, budget) => {
    expect(openFileShare(`Limit                     Soft Limit           Hard Limit           Units\n${line}\n`)).toBe(budget);
    expect(openFileShare(undefined)).toBe(256);
  });

  test('rooms found in use are not asked again by every open that follows (100 opens past 100 busy rooms ask about 300, not 10,000)', async () => {
    const pool = new HandlePool(400);
    let asked = 0;
    const room = (busy: boolean) => {
      const r = {
        closeIfIdle: () => {
          asked += 1;
          if (busy) return 0;
          queueMicrotask(() => pool.release(r, 2, true));
          return 2;
        },
      };
      return r;
    };
    // The least recently used 100 rooms are busy (a long read, an export), the next 100 idle.
    for (let i = 0; i < 200; i++) await pool.take(room(i < 100), 2);
    for (let i = 0; i < 100; i++) await pool.take(room(false), 2);
    expect(asked).toBeLessThanOrEqual(300);
    expect(pool.inUse).toBe(400);
  });
});
