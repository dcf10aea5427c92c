// The built `migrate` as a real process: it refuses a folder a running server holds, and after a `kill -9` mid-copy a
// rerun takes over the stale locks and finishes with every room equal.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { openStoreAt } from '../../src/migrate/store-at.js';
import { expectSameStores, fileFixture } from '../helpers/migrate-fixture.js';
import { BIN, runCli, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

test('a data folder a server is using is refused, as source and as target', async () => {
  const [served, other] = [await tempDir(), await tempDir()];
  await fileFixture(other, [10, 10]);
  const server = await startServer(served);
  const asSource = await runCli(['migrate', '--from', served, '--to', await tempDir()]);
  expect(asSource).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: Another server \(pid \d+\) is using the data folder /) });
  const asTarget = await runCli(['migrate', '--from', other, '--to', served]);
  expect(asTarget).toMatchObject({ code: 1, stderr: expect.stringMatching(/is using the data folder \S+\. Stop it first, or use another data folder\.\n$/) });
  await server.stop();
});

test('killed with -9 mid-copy, a rerun finishes the job and every room matches its source', async () => {
  const [from, to] = [await tempDir(), await tempDir()];
  const fixture = await fileFixture(from, [8000, 2000]);
  const proc = spawn(process.execPath, [BIN, 'migrate', '--from', from, '--to', to], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  // Killed as soon as the first room's log has something in it: the copy is under way, not finished.
  const log = join(to, 'rooms', `${fixture.rooms[0]!.id}.jsonl`);
  for (let size = 0; size === 0 && proc.exitCode === null; ) {
    size = (await stat(log).catch(() => undefined))?.size ?? 0;
    if (size === 0) await new Promise((r) => setTimeout(r, 5));
  }
  proc.kill('SIGKILL');
  await exited;
  const rerun = await runCli(['migrate', '--from', from, '--to', to], { timeoutMs: 60_000 });
  expect(rerun).toMatchObject({ code: 0, stdout: expect.stringContaining("every room's count and SHA-256 match") });
  const [a, b] = [await openStoreAt(from, { mustExist: true }), await openStoreAt(to, { mustExist: true })];
  try {
    await expectSameStores(a.store, a.hooks, b.store, b.hooks);
  } finally {
    await a.close();
    await b.close();
  }
});
