// `migrate` between data folders, in-process: a full copy, a rerun, a run cut off mid-room and resumed, and a target
// that differs from its source.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { migrate } from '../../src/migrate/migrate.js';
import { openStoreAt, type OpenedStore } from '../../src/migrate/store-at.js';
import { cli } from '../helpers/cli.js';
import { expectSameStores, fileFixture } from '../helpers/migrate-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

async function both<T>(from: string, to: string, body: (a: OpenedStore, b: OpenedStore) => Promise<T>): Promise<T> {
  const a = await openStoreAt(from, { mustExist: true });
  const b = await openStoreAt(to, { mustExist: false }).catch(async (err: unknown) => {
    await a.close();
    throw err;
  });
  try {
    return await body(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}

test('folder to folder: every room, key, agent, cursor, message and hook arrives, checked; a rerun copies nothing', async () => {
  const [from, to] = [await tempDir(), await tempDir()];
  const fixture = await fileFixture(from);
  const first = await cli(['migrate', '--from', from, '--to', to]);
  expect(first).toMatchObject({ code: 0, stdout: `migrated 3 rooms, ${fixture.messages} messages (${fixture.messages} copied by this run), 2 new webhooks from ${from} to ${to}; every room's count and SHA-256 match\n` });
  // Not a terminal: one plain line per room, no bar.
  // One line per room, in the source's list order (newest activity first; rooms made in one millisecond by id).
  const lines = (stderr: string) => stderr.trim().split('\n').sort();
  expect(lines(first.stderr)).toEqual(fixture.rooms.map((r) => `room ${r.id} (${r.messages} messages): copied, ${r.messages} copied`).sort());
  await both(from, to, (a, b) => expectSameStores(a.store, a.hooks, b.store, b.hooks));

  const again = await cli(['migrate', '--from', from, '--to', to]);
  expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining(` messages (0 copied by this run), 0 new webhooks`) });
  expect(lines(again.stderr)).toEqual(fixture.rooms.map((r) => `room ${r.id} (${r.messages} messages): complete, 0 copied`).sort());
});

test('on a terminal the progress is one bar redrawn in place on stderr', async () => {
  const [from, to] = [await tempDir(), await tempDir()];
  await fileFixture(from, [50, 10]);
  const { code, stderr } = await cli(['migrate', '--from', from, '--to', to], undefined, { errInteractive: true });
  expect(code).toBe(0);
  expect(stderr).toContain('\r\x1b[2K[');
  expect(stderr.trimEnd().split('\r\x1b[2K').at(-1)).toBe(`[${'#'.repeat(24)}] 100%  3/3 rooms  60/60 messages`);
  expect(stderr.endsWith('\n')).toBe(true);
});

test('a run cut off inside a room is resumed from its last copied seq; finished rooms are skipped', async () => {
  const [from, to] = [await tempDir(), await tempDir()];
  const fixture = await fileFixture(from);
  await expect(
    both(from, to, (a, b) =>
      migrate({
        from: a.store,
        to: b.store,
        fromHooks: a.hooks,
        toHooks: b.hooks,
        batch: 500,
        onProgress: (p) => {
          if (p.messagesDone >= 1000) throw new Error('cut off');
        },
      }),
    ),
  ).rejects.toThrow('cut off');
  const target = await openStoreAt(to, { mustExist: true });
  const partial = await target.store.listRooms().finally(() => target.close());
  expect(partial.map((r) => [r.id, r.lastSeq])).toEqual([[fixture.rooms[0]!.id, 1000]]);

  const rerun = await cli(['migrate', '--from', from, '--to', to]);
  expect(rerun.code).toBe(0);
  expect(rerun.stderr).toContain(`room ${fixture.rooms[0]!.id} (1200 messages): resumed, 200 copied`);
  expect(rerun.stderr).toContain(`room ${fixture.rooms[2]!.id} (300 messages): copied, 300 copied`);
  await both(from, to, (a, b) => expectSameStores(a.store, a.hooks, b.store, b.hooks));
});

test('a target that differs is named, room by room, and the run fails', async () => {
  const [from, to] = [await tempDir(), await tempDir()];
  const fixture = await fileFixture(from);
  expect((await cli(['migrate', '--from', from, '--to', to])).code).toBe(0);
  // One message's text changed in the target's log, same length, so only the checksum can tell.
  const late = fixture.rooms[2]!.id;
  const log = join(to, 'rooms', `${late}.jsonl`);
  const text = await readFile(log, 'utf8');
  await writeFile(log, text.replace('message 60 ✓', 'messagE 60 ✓'));
  const again = await cli(['migrate', '--from', from, '--to', to]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain(`room ${late} (300 messages): DIFFERS: SHA-256 `);
  expect(again.stderr).toMatch(new RegExp(`error: room ${late} \\("late start"\\) differs after the copy: SHA-256 \\w{12}… in the source, \\w{12}… in the target\\n`));
  expect(again.stderr).toContain('error: 1 of 3 rooms differ (listed above)');
  expect(again.stderr).not.toContain(`room ${fixture.rooms[0]!.id} (1200 messages): DIFFERS`);
});

test('a source folder without data, or the same folder twice, is refused before anything is written', async () => {
  const [empty, to] = [await tempDir(), await tempDir()];
  expect(await cli(['migrate', '--from', empty, '--to', to])).toMatchObject({ code: 1, stderr: expect.stringContaining('holds no im-for-agents data (no rooms.json or rooms/)') });
  expect(await cli(['migrate', '--from', to, '--to', `${to}/`])).toMatchObject({ code: 2, stderr: 'error: --from and --to name the same store.\n' });
});
