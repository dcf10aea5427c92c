// A group commit is all or nothing across a crash: recovery keeps the log up to the last group its index completes.
import { statSync } from 'node:fs';
import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { INDEX_ENTRY } from '../../../src/store/file/file-io.js';
import { openStore } from '../../helpers/app.js';
import { tempDir } from '../../helpers/temp-dir.js';

const texts = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${i + from}` }));

/** A room with a group of 5 messages, then one group commit holding `batches` appends of 4 made together. */
async function twoGroups(batches: number) {
  const dir = await tempDir();
  const store = await openStore({ dir });
  const room = await store.createRoom({ name: 'r' });
  await store.append(room.id, texts(5));
  const sizeAfterFirst = (await stat(join(dir, 'rooms', `${room.id}.jsonl`))).size;
  await Promise.all(Array.from({ length: batches }, (_, b) => store.append(room.id, texts(4, 6 + 4 * b))));
  await store.close();
  const log = join(dir, 'rooms', `${room.id}.jsonl`);
  return { dir, roomId: room.id, log, idx: join(dir, 'rooms', `${room.id}.idx`), sizeAfterFirst };
}

async function reopenedContents(dir: string, roomId: string) {
  const warnings: string[] = [];
  const store = await openStore({ dir, warn: (m) => warnings.push(m) });
  const contents = (await store.read(roomId, { after: 0, limit: 1000 })).map((m) => m.content);
  return { store, contents, warnings: warnings.join('\n') };
}

describe('group commits across a crash', () => {
  test.each([
    ['cut at an entry boundary', 2 * INDEX_ENTRY],
    ['torn inside an entry', INDEX_ENTRY + 3],
    ['with only its first entry', 4 * 5 * INDEX_ENTRY - INDEX_ENTRY],
  ])('an index write that did not complete (%s) drops its whole group, from several batches', async (_name, cut) => {
    const { dir, roomId, log, idx, sizeAfterFirst } = await twoGroups(5);
    await truncate(idx, (await stat(idx)).size - cut);

    const { store, contents, warnings } = await reopenedContents(dir, roomId);
    expect(contents).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(warnings).toMatch(/torn tail/);
    expect((await stat(log)).size).toBe(sizeAfterFirst);
    expect((await stat(idx)).size).toBe(5 * INDEX_ENTRY);
    expect((await store.append(roomId, texts(1, 99)))[0]?.seq).toBe(6);
  });

  test('whole lines written past the last complete group (log written, commit not) are dropped', async () => {
    const { dir, roomId, log, idx } = await twoGroups(1);
    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    const more = [10, 11, 12].map((seq) => JSON.stringify({ ...JSON.parse(lines.at(-1)!), id: `x${seq}`, seq }));
    await appendFile(log, more.join('\n') + '\n');
    const idxBefore = await readFile(idx);

    const { store, contents, warnings } = await reopenedContents(dir, roomId);
    expect(contents).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(warnings).toMatch(/torn tail/);
    expect(await readFile(idx)).toEqual(idxBefore);
    expect((await store.append(roomId, texts(1, 10)))[0]?.seq).toBe(10);
  });

  test('a log with lines but an empty index (the first group never completed) starts empty', async () => {
    const { dir, roomId, log, idx } = await twoGroups(1);
    await writeFile(idx, '');
    const { store, contents } = await reopenedContents(dir, roomId);
    expect(contents).toEqual([]);
    expect((await stat(log)).size).toBe(0);
    expect((await store.append(roomId, texts(1)))[0]?.seq).toBe(1);
  });

  test('an index from before group marks (every mark 0) keeps every entry', async () => {
    const { dir, roomId, idx } = await twoGroups(2);
    const entries = await readFile(idx);
    for (let i = 0; i < entries.length / INDEX_ENTRY; i++) entries.writeUInt16LE(0, i * INDEX_ENTRY + 6);
    await writeFile(idx, entries.subarray(0, 7 * INDEX_ENTRY));

    const { contents } = await reopenedContents(dir, roomId);
    expect(contents).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  test('complete groups are kept whole after a clean stop, and a reopen changes no byte', async () => {
    const { dir, roomId, log, idx } = await twoGroups(3);
    const before = [await readFile(log), await readFile(idx)];
    const { contents, warnings } = await reopenedContents(dir, roomId);
    expect(contents).toEqual(Array.from({ length: 17 }, (_, i) => `m${i + 1}`));
    expect(warnings).toBe('');
    expect([await readFile(log), await readFile(idx)]).toEqual(before);
  });
});

describe('one write turn across rooms', () => {
  test('sends into 40 rooms made together are all written before the first is acknowledged; a room that must open its files holds none of them back', async () => {
    const dir = await tempDir();
    let store = await openStore({ dir });
    const rooms = await Promise.all(Array.from({ length: 41 }, (_, i) => store.createRoom({ name: `r${i}` })));
    await store.close();
    // After a restart every room's files are closed and not yet checked; 40 of them are opened by a first send.
    store = await openStore({ dir });
    const [cold, ...warm] = rooms.map((r) => r.id);
    await Promise.all(warm.map((id) => store.append(id, texts(1))));
    const logSize = (id: string) => statSync(join(dir, 'rooms', `${id}.jsonl`)).size;
    const before = warm.map(logSize);

    let seenAtFirstAck: number[] | undefined;
    const firstAck = () => (seenAtFirstAck ??= warm.map(logSize));
    // The cold room first: its recovery (file reads) must not hold back the rooms whose files are open.
    const sends = [cold!, ...warm].map((id) => store.append(id, texts(1, 2)).then(firstAck));
    await Promise.all(sends);
    expect(seenAtFirstAck!.map((size, i) => size > before[i]!)).toEqual(warm.map(() => true));
    expect((await store.read(cold!, { after: 0, limit: 10 })).map((m) => m.content)).toEqual(['m2']);
  });
});

