// The file store on a real temp dir: persistence, repair after interrupted writes, corrupt catalog, window vs log reads.
import { appendFile, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { StoreError } from '../../../src/store/errors.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import { openStore } from '../../helpers/app.js';
import { tempDir } from '../../helpers/temp-dir.js';

const texts = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${i + from}` }));

async function reopen(dir: string, warnings: string[] = []): Promise<FileStore> {
  return openStore({ dir, warn: (m) => warnings.push(m) });
}

describe('FileStore', () => {
  test('rooms and messages survive a close and reopen', async () => {
    const dir = await tempDir();
    const store = await reopen(dir);
    const room = await store.createRoom({ name: 'kept' });
    await store.append(room.id, texts(5));
    await store.close();

    const again = await reopen(dir);
    expect(await again.getRoom(room.id)).toMatchObject({ name: 'kept', messageCount: 5, lastSeq: 5 });
    expect((await again.read(room.id, { limit: 10 })).map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    const next = await again.append(room.id, texts(1, 6));
    expect(next[0]?.seq).toBe(6);
  });

  test('messages are JSON Lines, one object a line, in the room log', async () => {
    const dir = await tempDir();
    const store = await reopen(dir);
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, texts(3));
    const lines = (await readFile(join(dir, 'rooms', `${room.id}.jsonl`), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
    // A new room is one line in the catalog's journal; a clean close folds it into rooms.json.
    expect(JSON.parse(await readFile(join(dir, 'rooms.journal'), 'utf8'))).toMatchObject({ put: { id: room.id, name: 'r' } });
    await store.close();
    expect(JSON.parse(await readFile(join(dir, 'rooms.json'), 'utf8')).rooms[0]).toMatchObject({ id: room.id, name: 'r' });
    expect(await readFile(join(dir, 'rooms.journal'), 'utf8')).toBe('');
  });

  test('reads past the in-memory window come from the log, paged correctly', async () => {
    const store = await openStore({ windowSize: 10 });
    const room = await store.createRoom({ name: 'r' });
    for (let i = 0; i < 10; i++) await store.append(room.id, texts(50, i * 50 + 1));
    const seqs: number[] = [];
    for (let after = 0; ; ) {
      const page = await store.read(room.id, { after, limit: 33 });
      if (page.length === 0) break;
      expect(page.map((m) => m.content)).toEqual(page.map((m) => `m${m.seq}`));
      seqs.push(...page.map((m) => m.seq));
      after = page.at(-1)!.seq;
    }
    expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect((await store.read(room.id, { limit: 3 })).map((m) => m.seq)).toEqual([498, 499, 500]);
  });

  test('multi-byte UTF-8 in concurrent groups is indexed at the right byte offsets, also after a reopen', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir, windowSize: 2 });
    const room = await store.createRoom({ name: 'r' });
    const samples = ['plain', 'é à ü', '👋 hello 🌍', '漢字かな', 'a\u2028b "q" \\ \n tab\t', 'x'.repeat(3000) + '€'];
    const content = (i: number) => `${i}:${samples[i % samples.length]}`;
    // Appends made together are written as one group commit, here 60 batches of 1 to 4 messages.
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.append(room.id, Array.from({ length: (i % 4) + 1 }, (_, k) => ({ sender: 'ß', content: content(i * 4 + k) })))));
    const expected = Array.from({ length: 60 }, (_, i) => Array.from({ length: (i % 4) + 1 }, (_, k) => content(i * 4 + k))).flat();
    // Every message alone (a page starts at its index entry and ends at the next one), then uneven pages; from the
    // index as written, then after a reopen (which checks the index against the log).
    const pages: [number, number][] = [...Array.from({ length: 150 }, (_, after): [number, number] => [after, 1]), [0, 7], [77, 40], [148, 5]];
    const check = async (s: typeof store) => {
      for (const [after, limit] of pages) {
        const page = await s.read(room.id, { after, limit });
        expect(page.map((m) => m.seq)).toEqual(Array.from({ length: Math.min(limit, 150 - after) }, (_, i) => after + i + 1));
        expect(page.map((m) => m.content)).toEqual(expected.slice(after, after + limit));
      }
    };
    await check(store);
    await store.close();
    await check(await openStore({ dir, windowSize: 2 }));
  });

  test('a torn last line is dropped with a warning, and the next seq follows the last whole line', async () => {
    const dir = await tempDir();
    const store = await reopen(dir);
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, texts(3));
    await store.close();
    await appendFile(join(dir, 'rooms', `${room.id}.jsonl`), '{"id":"x","seq":4,"roomId":"');

    const warnings: string[] = [];
    const again = await reopen(dir, warnings);
    expect((await again.getRoom(room.id))?.lastSeq).toBe(3);
    // Recovered at its first use: the open itself reads no room file.
    expect(warnings).toEqual([]);
    expect((await again.append(room.id, texts(1, 4)))[0]?.seq).toBe(4);
    expect(warnings.join('\n')).toMatch(/torn tail/);
    expect((await again.read(room.id, { after: 0, limit: 10 })).map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  test('a deleted index is rebuilt from the log', async () => {
    const dir = await tempDir();
    const store = await reopen(dir);
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, texts(20));
    await store.close();
    await rm(join(dir, 'rooms', `${room.id}.idx`));

    const warnings: string[] = [];
    const again = await reopen(dir, warnings);
    const all = await again.read(room.id, { after: 0, limit: 100 });
    expect(warnings.join('\n')).toMatch(/re-indexed 20/);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await again.read(room.id, { after: 7, limit: 2 })).map((m) => m.content)).toEqual(['m8', 'm9']);
  });

  test('a second store on the same folder is refused while the first is open, and allowed after it closes', async () => {
    const dir = await tempDir();
    const first = await reopen(dir);
    const second = new FileStore({ dir, warn: () => {} });
    const err = await second.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'locked', message: expect.stringMatching(new RegExp(`Another server \\(pid ${process.pid}\\) is using the data folder`)) });
    await first.close();
    await (await reopen(dir)).close();
  });

  test('a catalog that is not valid JSON stops the open with its file name and is never overwritten', async () => {
    const dir = await tempDir();
    const catalog = join(dir, 'rooms.json');
    await writeFile(catalog, '{"version":1,"rooms":[');
    const store = new FileStore({ dir, warn: () => {} });
    const err = await store.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toContain(catalog);
    expect(await readFile(catalog, 'utf8')).toBe('{"version":1,"rooms":[');
  });

  test('a failed write rejects the whole batch, stores nothing of it, and later writes continue the seq', async () => {
    const store = await openStore();
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, texts(2));
    // A message whose line cannot be serialised is refused before any byte is written.
    const bad = { sender: 's', content: 'x', metadata: { n: 1n } as unknown as Record<string, unknown> };
    await expect(store.append(room.id, [{ sender: 's', content: 'ok' }, bad])).rejects.toThrow();
    expect((await store.append(room.id, texts(1, 3)))[0]?.seq).toBe(3);
    expect((await store.read(room.id, { after: 0, limit: 10 })).map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
  });
});

describe('FileStore when the disk refuses writes', () => {
  test('a write that fails (ENOSPC) is refused whole, the log is rolled back, and acknowledged messages are kept', async () => {
    const dir = await tempDir();
    const store = await reopen(dir);
    const kept = await store.createRoom({ name: 'kept' });
    const full = await store.createRoom({ name: 'full' });
    await store.append(kept.id, texts(3));
    await store.close();
    // The index of room "full" now lives on /dev/full: its log write succeeds, its index write fails with ENOSPC.
    const idx = join(dir, 'rooms', `${full.id}.idx`);
    await rm(idx);
    await symlink('/dev/full', idx);

    const broken = await reopen(dir);
    const err = await broken.append(full.id, texts(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('unavailable');
    expect((err as StoreError).message).toMatch(/ENOSPC/);
    expect((await stat(join(dir, 'rooms', `${full.id}.jsonl`))).size).toBe(0);
    expect((await broken.append(kept.id, texts(1, 4)))[0]?.seq).toBe(4);
    await broken.close();

    await rm(idx);
    const again = await reopen(dir);
    expect((await again.read(kept.id, { after: 0, limit: 10 })).map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(await again.read(full.id, { after: 0, limit: 10 })).toEqual([]);
  });
});

describe('FileStore room limit', () => {
  test('concurrent creates fill the rooms up to the maximum exactly (max 30, 25 existing, 10 at once: 5 made)', async () => {
    const dir = await tempDir();
    const store = await openStore({ dir, maxRooms: 30 });
    for (let i = 0; i < 25; i++) await store.createRoom({ name: `r${i}` });
    // Started a moment apart, so some arrive while others are between opening their files and writing the catalog.
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const create = store.createRoom({ name: `new${i}` });
      create.catch(() => {}); // refused ones reject while later ones are started; allSettled reads them below
      creates.push(create);
      await new Promise((r) => setTimeout(r, 1));
    }
    const results = await Promise.allSettled(creates);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'limit' });
    expect(await store.listRooms()).toHaveLength(30);
    await store.close();
    expect((await readdir(join(dir, 'rooms'))).filter((f) => f.endsWith('.jsonl'))).toHaveLength(30);
  });
});
