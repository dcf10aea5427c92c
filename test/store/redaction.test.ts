// Redaction: one message's text leaves every file of the data folder; seqs, the index and live readers stay right.
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { fileCount, filesContaining } from '../helpers/grep-dir.js';
import { openStore } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const SECRET = 'sk-live-7f3a9c1e0b55d2';
const msgs = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: `s${from + i}`, content: `m${from + i}` }));
const all = (store: Awaited<ReturnType<typeof openStore>>, roomId: string) => store.read(roomId, { after: 0, limit: 1000 });

describe.each([
  ['from the in-memory window', 256],
  ['from disk (no window)', 0],
])('redact, reading %s', (_label, windowSize) => {
  test.each([
    ['the first', 1],
    ['a middle', 5],
    ['the last', 10],
  ])('%s message: marker in place, text nowhere on disk, also after a restart; the rest unchanged', async (_which, seq) => {
    const dir = await tempDir();
    let store = await openStore({ dir, windowSize, fsync: true });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, msgs(seq - 1));
    const [original] = await store.append(room.id, [{ sender: 'leaky', content: `my key is ${SECRET}`, to: ['ops'], metadata: { token: SECRET }, verified: true }]);
    await store.append(room.id, msgs(10 - seq, seq + 1));
    const before = await all(store, room.id);
    expect(await filesContaining(dir, SECRET)).toHaveLength(1);

    const redacted = await store.redact(room.id, seq);
    const { content: _c, metadata: _m, ...kept } = original!;
    expect(redacted).toEqual({ ...kept, content: '[redacted]', redacted: true, redactedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const expected = before.map((m) => (m.seq === seq ? redacted : m));
    expect(await all(store, room.id)).toEqual(expected);
    expect(await store.read(room.id, { limit: 3 })).toEqual(expected.slice(-3));
    expect(await fileCount(dir)).toBeGreaterThanOrEqual(3);
    expect(await filesContaining(dir, SECRET)).toEqual([]);
    expect(await filesContaining(dir, 'my key is')).toEqual([]);

    // Appends go on after it, at the right offsets.
    await store.append(room.id, msgs(2, 11));
    await store.close();
    expect(await filesContaining(dir, SECRET)).toEqual([]);
    const warnings: string[] = [];
    store = await openStore({ dir, windowSize, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]); // the index matched the log: nothing rebuilt
    const after = await all(store, room.id);
    expect(after.slice(0, 10)).toEqual(expected);
    expect(after.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await readdir(join(dir, 'rooms'))).filter((f) => f.endsWith('.compact'))).toEqual([]);
  });
});

describe('redact', () => {
  test('a second redaction returns the same message and tells nobody again', async () => {
    const store = await openStore();
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, [{ sender: 'a', content: SECRET }]);
    const heard: Message[] = [];
    store.onRedact(room.id, (m) => heard.push(m));
    const first = await store.redact(room.id, 1);
    const second = await store.redact(room.id, 1);
    expect(second).toEqual(first);
    expect(heard).toEqual([first]);
  });

  test.each([0, -1, 2, 1.5, Number.NaN])('seq %s that the room does not hold: undefined, nothing changes', async (seq) => {
    const store = await openStore();
    const room = await store.createRoom({ name: 'r' });
    const [m] = await store.append(room.id, [{ sender: 'a', content: 'keep' }]);
    expect(await store.redact(room.id, seq)).toBeUndefined();
    expect(await all(store, room.id)).toEqual([m]);
  });

  test('a seq dropped by retention is not found', async () => {
    const store = await openStore({ retention: { maxMessages: 2 } });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, msgs(5));
    expect(await store.redact(room.id, 2)).toBeUndefined();
    expect((await store.redact(room.id, 5))?.redacted).toBe(true);
  });

  test('an unknown room is room_not_found', async () => {
    const store = await openStore();
    await expect(store.redact('aaaaaaaaaaaaaaaaaaaaaaaaaa', 1)).rejects.toMatchObject({ code: 'room_not_found' });
  });

  test('runs in the writer: appends racing it all land, in order, with their offsets right', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir, windowSize: 4 });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, msgs(20));
    const racing = [store.redact(room.id, 3), store.append(room.id, msgs(5, 21)), store.redact(room.id, 22), store.append(room.id, msgs(5, 26))];
    const [r3, , r22] = await Promise.all(racing);
    expect([(r3 as Message).seq, (r22 as Message).seq]).toEqual([3, 22]);
    const check = async () => {
      const ms = await all(store, room.id);
      expect(ms.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(ms.filter((m) => m.redacted).map((m) => m.seq)).toEqual([3, 22]);
      expect(ms.filter((m) => !m.redacted).every((m) => m.content === `m${m.seq}`)).toBe(true);
    };
    await check();
    await store.close();
    store = await openStore({ dir, windowSize: 4 });
    await check();
  });

  test('a crash between the two renames (new log, old index) is repaired at the next start', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, [...msgs(3), { sender: 'x', content: SECRET.repeat(20) }, ...msgs(6, 5)]);
    await store.close();
    const idx = join(dir, 'rooms', `${room.id}.idx`);
    await copyFile(idx, `${idx}.before`);
    store = await openStore({ dir });
    await store.redact(room.id, 4);
    await store.close();
    await copyFile(`${idx}.before`, idx); // the index rename never happened
    const warnings: string[] = [];
    store = await openStore({ dir, windowSize: 0, warn: (m) => warnings.push(m) });
    const ms = await all(store, room.id);
    expect(warnings.join('\n')).toMatch(/does not match the log; rebuilding/);
    expect(ms.map((m) => m.content)).toEqual(['m1', 'm2', 'm3', '[redacted]', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
    expect((await store.append(room.id, msgs(1, 11)))[0]?.seq).toBe(11);
  });

  test('a crash before the log rename leaves the old files in use (the redaction was never acknowledged)', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, msgs(3));
    await store.close();
    const base = join(dir, 'rooms', room.id);
    // What a kill between writing the temp files and renaming them leaves: a half-written temp beside the files.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${base}.jsonl.compact`, '{"seq":1,"con');
    await writeFile(`${base}.idx.compact`, Buffer.alloc(3));
    store = await openStore({ dir });
    expect((await all(store, room.id)).map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
    expect((await store.redact(room.id, 2))?.content).toBe('[redacted]');
    expect((await readdir(join(dir, 'rooms'))).sort()).toEqual([`${room.id}.idx`, `${room.id}.jsonl`]);
  });

  test('a reader in the middle of a disk read keeps its generation of the files; the next read sees the redaction', async () => {
    const store = await openStore({ windowSize: 0 });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, msgs(2000));
    const reads = Array.from({ length: 20 }, () => all(store, room.id));
    const redaction = store.redact(room.id, 1000);
    for (const page of await Promise.all(reads)) {
      expect(page.map((m) => m.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(page[999]?.content === 'm1000' || page[999]?.content === '[redacted]').toBe(true);
    }
    await redaction;
    expect((await store.read(room.id, { after: 999, limit: 1 }))[0]?.content).toBe('[redacted]');
  });
});

describe('redact under a steady stream of sends', () => {
  test('is not starved by group commits that keep coming (fsync on: sends arrive while each commit waits on the disk)', async () => {
    const store = await openStore({ fsync: true });
    const room = await store.createRoom({ name: 'r' });
    await store.append(room.id, [{ sender: 'a', content: SECRET }]);
    // Like requests from many connections: a send every turn of the event loop, none waiting for another.
    let sending = true;
    const appends: Promise<unknown>[] = [];
    const tick = () => {
      if (!sending) return;
      appends.push(store.append(room.id, msgs(1)));
      setImmediate(tick);
    };
    tick();
    await new Promise((r) => setTimeout(r, 50));
    const redacted = await store.redact(room.id, 1);
    sending = false;
    await Promise.all(appends);
    expect(redacted?.content).toBe('[redacted]');
    expect(appends.length).toBeGreaterThan(10);
  });
});

describe('a rewrite cut off before its rename', () => {
  test('leaves a temp copy that the room removes when it opens next, text and all', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir });
    const { id } = await store.createRoom({ name: 'r' });
    await store.append(id, [{ sender: 's', content: 'kept' }]);
    await store.close();
    // What a kill -9 during a redaction's copy leaves: temp files beside the whole old ones.
    const base = join(dir, 'rooms', id);
    await writeFile(`${base}.jsonl.compact`, '{"seq":1,"content":"LEFTOVER-TEXT"}\n');
    await writeFile(`${base}.idx.compact`, Buffer.alloc(8));
    store = await openStore({ dir });
    expect((await all(store, id)).map((m) => m.content)).toEqual(['kept']);
    expect(await filesContaining(dir, 'LEFTOVER-TEXT')).toEqual([]);
    expect((await readdir(join(dir, 'rooms'))).filter((f) => f.endsWith('.compact'))).toEqual([]);
    await store.close();
  });
});
