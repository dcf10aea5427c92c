// Retention: the oldest messages are dropped past a count or an age, the files are compacted, seqs keep growing.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openStore } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const big = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${from + i} ${'x'.repeat(500)}` }));
const contents = (ms: { content: string }[]) => ms.map((m) => m.content.split(' ')[0]);

describe('retention', () => {
  test('keeps the newest maxMessages; history, counts and seqs follow', async () => {
    const store = await openStore({ retention: { maxMessages: 3 } });
    const room = await store.createRoom({ name: 'r' });
    for (let i = 1; i <= 7; i++) await store.append(room.id, [{ sender: 's', content: `m${i}` }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(contents(await store.read(room.id, { after: 0, limit: 100 }))).toEqual(['m5', 'm6', 'm7']);
    expect(contents(await store.read(room.id, { limit: 100 }))).toEqual(['m5', 'm6', 'm7']);
    expect(await store.getRoom(room.id)).toMatchObject({ messageCount: 3, lastSeq: 7 });
  });

  test('compacts the files once enough is dropped, and survives a restart with seqs continuing', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir, retention: { maxMessages: 100 }, windowSize: 0 });
    const room = await store.createRoom({ name: 'r' });
    for (let i = 0; i < 10; i++) await store.append(room.id, big(500, i * 500 + 1));
    await store.close();
    const log = join(dir, 'rooms', `${room.id}.jsonl`);
    // 5,000 messages of ~600 bytes were written; about 100 remain on disk (and never less than the newest).
    expect((await stat(log)).size).toBeLessThan(1_000_000);
    expect((await readdir(join(dir, 'rooms'))).filter((f) => f.endsWith('.compact'))).toEqual([]);

    store = await openStore({ dir, retention: { maxMessages: 100 }, windowSize: 0 });
    const kept = await store.read(room.id, { after: 0, limit: 1000 });
    expect(kept.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 4901 + i));
    expect((await store.append(room.id, [{ sender: 's', content: 'next' }]))[0]?.seq).toBe(5001);
    expect((await store.read(room.id, { after: 4950, limit: 2 })).map((m) => m.seq)).toEqual([4951, 4952]);
  });

  test('drops messages older than maxAgeMs but keeps the seq going', async () => {
    const store = await openStore({ retention: { maxAgeMs: 150 } });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, [{ sender: 's', content: 'old' }]);
    await new Promise((r) => setTimeout(r, 250));
    await store.append(room.id, [{ sender: 's', content: 'new' }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(contents(await store.read(room.id, { after: 0, limit: 10 }))).toEqual(['new']);
    expect(await store.getRoom(room.id)).toMatchObject({ messageCount: 1, lastSeq: 2 });
  });

  test('an old index beside a compacted log (a crash between the two renames) is rebuilt', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, big(3000));
    await store.close();
    const { copyFile } = await import('node:fs/promises');
    const idx = join(dir, 'rooms', `${room.id}.idx`);
    await copyFile(idx, `${idx}.before`);
    store = await openStore({ dir, retention: { maxMessages: 10 }, windowSize: 0 });
    await store.append(room.id, [{ sender: 's', content: 'trigger' }]);
    await store.close();
    await copyFile(`${idx}.before`, idx);

    const warnings: string[] = [];
    store = await openStore({ dir, warn: (m) => warnings.push(m) });
    const all = await store.read(room.id, { after: 0, limit: 1000 });
    expect(warnings.join('\n')).toMatch(/rebuilding|re-indexed/);
    expect(all.at(-1)).toMatchObject({ seq: 3001, content: 'trigger' });
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => 3002 - all.length + i));
  });
});

describe('retention under concurrent reads', () => {
  test('reads during compactions see the old files or the new ones whole: no error, no gap, no foreign line', async () => {
    const store = await openStore({ retention: { maxMessages: 2000 }, windowSize: 0 });
    const room = await store.createRoom({ name: 'r' });
    let writing = true;
    const errors: unknown[] = [];
    let reads = 0;
    const writer = (async () => {
      for (let i = 0; i < 40; i++) await store.append(room.id, big(200, i * 200 + 1));
      writing = false;
    })();
    const reader = async () => {
      while (writing) {
        await new Promise((r) => setImmediate(r)); // an empty page needs no I/O: let the writer run
        try {
          const last = (await store.getRoom(room.id))!.lastSeq;
          const after = Math.max(0, last - 1500 - Math.floor(Math.random() * 400));
          const page = await store.read(room.id, { after, limit: 200 });
          reads += 1;
          // Retention may move the start past `after`, never leave a gap or return a wrong line.
          for (const [i, m] of page.entries()) {
            expect(m.seq).toBe(page[0]!.seq + i);
            expect(m.content.split(' ')[0]).toBe(`m${m.seq}`);
          }
        } catch (err) {
          errors.push(err);
          return;
        }
      }
    };
    await Promise.all([writer, ...Array.from({ length: 6 }, reader)]);
    expect(errors).toEqual([]);
    expect(reads).toBeGreaterThan(50);
  }, 30_000);
});
