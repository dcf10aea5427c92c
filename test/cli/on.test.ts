// `on ROOM -- COMMAND` in-process against app.request: env, stdin, order, filters, failures and the cursor file.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { testApp } from '../helpers/app.js';
import { cli, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/** The commands `on` runs are found on the PATH. */
const ENV = { env: { PATH: process.env.PATH } };

/** Starts `on` in the background; `streaming` resolves once it has opened the room's stream; stop() aborts it. */
function startOn(argv: string[], fetch: NonNullable<CliIo['fetch']>) {
  let opened: () => void = () => {};
  const streaming = new Promise<void>((resolve) => (opened = resolve));
  const watched: CliIo['fetch'] = (input, init) => {
    if (/\/stream(\?|$)/.test(input)) opened();
    return fetch(input, init);
  };
  const ac = new AbortController();
  const { output: out, done } = startCli(['on', ...argv], watched, ENV, ac.signal);
  return { out, done, streaming, stop: async () => (ac.abort(), { code: await done, ...out }) };
}

// Each run appends "seq|sender|type|to|content" and saves its stdin, so the test sees what the command saw.
const RECORD = 'printf "%s|%s|%s|%s|%s\\n" "$IM_SEQ" "$IM_SENDER" "$IM_TYPE" "$IM_TO" "$IM_CONTENT" >> "$0/log"; cat > "$0/$IM_SEQ.json"; echo "ran $IM_SEQ"';

async function lines(dir: string): Promise<string[]> {
  return (await readFile(join(dir, 'log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

describe('on ROOM -- COMMAND', () => {
  test('runs once per new message, in order, with IM_* set and the message on stdin', async () => {
    const dir = await tempDir();
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 'old', content: 'before on started' });
    const on = startOn([roomId, '--', 'sh', '-c', RECORD, dir], fetch);
    await on.streaming; // it starts after the newest message when it opens the stream
    await client.send(roomId, { sender: 'planner', content: 'first task', type: 'task', to: ['coder', 'reviewer'] });
    await client.send(roomId, { sender: 'coder', content: 'line one\nline two' });
    await until(async () => (await lines(dir)).length >= 3, 10_000, 'three runs');
    const result = await on.stop();
    expect(result.code).toBe(0);
    expect(await lines(dir)).toEqual(['2|planner|task|coder,reviewer|first task', '3|coder|||line one', 'line two']);
    expect(JSON.parse(await readFile(join(dir, '3.json'), 'utf8'))).toEqual(await client.history(roomId, { after: 2 }).then((m) => m[0]));
    expect(result.stdout).toBe('ran 2\nran 3\n');
  });

  test('--from and --to filter; a failing command is reported and the loop goes on', async () => {
    const dir = await tempDir();
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const script = `${RECORD}; [ "$IM_CONTENT" != fail ]`;
    const on = startOn([roomId, '--after', '0', '--from', 'a', '--to', 'me', '--', 'sh', '-c', script, dir], fetch);
    await client.sendBatch(roomId, [
      { sender: 'a', content: 'one', to: ['me'] },
      { sender: 'b', content: 'not from a', to: ['me'] },
      { sender: 'a', content: 'not to me' },
      { sender: 'a', content: 'fail', to: ['me'] },
      { sender: 'a', content: 'after the failure', to: ['me'] },
    ]);
    await until(async () => (await lines(dir)).length >= 3, 10_000, 'three runs');
    const result = await on.stop();
    expect((await lines(dir)).map((l) => l.split('|')[0])).toEqual(['1', '4', '5']);
    expect(result.stderr).toContain('error: sh exited with code 1 for seq 4; going on');
  });

  test('--cursor saves the last handled seq and starts after it; --stop-on-error leaves the failed one unhandled', async () => {
    const dir = await tempDir();
    const cursor = join(dir, 'cursor.json');
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, ['a', 'b', 'fail', 'd'].map((content) => ({ sender: 'x', content })));
    const script = `${RECORD}; [ "$IM_CONTENT" != fail ]`;
    const first = await cli(['on', roomId, '--after', '0', '--cursor', cursor, '--stop-on-error', '--', 'sh', '-c', script, dir], fetch, ENV);
    expect(first.code).toBe(1);
    expect(JSON.parse(await readFile(cursor, 'utf8'))).toEqual({ roomId, seq: 2 });
    expect(first.stderr).toContain('sh exited with code 1 for seq 3; stopped there (not marked handled)');

    // The next start goes on after the cursor (the failed seq 3 runs again), whatever --after says.
    const again = startOn([roomId, '--after', '0', '--cursor', cursor, '--', 'sh', '-c', RECORD, dir], fetch);
    await until(async () => (await lines(dir)).length >= 5, 10_000, 'the rest');
    await again.stop();
    expect((await lines(dir)).map((l) => l.split('|')[0])).toEqual(['1', '2', '3', '3', '4']);
    expect(JSON.parse(await readFile(cursor, 'utf8'))).toEqual({ roomId, seq: 4 });
  });

  test('usage errors: a cursor file of another room, a command that does not exist', async () => {
    const dir = await tempDir();
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await writeFile(join(dir, 'c.json'), JSON.stringify({ roomId: 'otherroom', seq: 3 }));
    const wrongRoom = await startOn([roomId, '--cursor', join(dir, 'c.json'), '--', 'true'], fetch).done;
    expect(wrongRoom).toBe(2);
    const missing = startOn([roomId, '--after', '0', '--', 'no-such-command-here'], fetch);
    await client.send(roomId, { sender: 'x', content: 'y' });
    expect(await missing.done).toBe(2);
    expect(missing.out.stderr).toContain('Command not found: no-such-command-here');
  });

  test('a command that is not there fails at start, exit 2, before any message comes (./missing.sh, a PATH name)', async () => {
    const dir = await tempDir();
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    for (const command of [join(dir, 'missing.sh'), './missing.sh', 'no-such-command-here']) {
      // No message is ever sent: the old code sat silent here until the first one.
      const r = await cli(['on', roomId, '--', command], fetch, ENV);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Command not found: ${command}`);
    }
    await writeFile(join(dir, 'not-runnable.sh'), 'echo hi\n');
    const notRunnable = await cli(['on', roomId, '--', join(dir, 'not-runnable.sh')], fetch, ENV);
    expect(notRunnable.code).toBe(2);
    expect(notRunnable.stderr).toContain('chmod +x');
  });

  test('--as with no --after starts after your own latest message, so an answer that came before on started runs', async () => {
    const dir = await tempDir();
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 'A', content: 'task', to: ['B'] });
    await client.send(roomId, { sender: 'B', content: 'answer' });
    await client.send(roomId, { sender: 'C', content: 'noise' });
    const on = startOn([roomId, '--as', 'A', '--from', 'B', '--', 'sh', '-c', RECORD, dir], fetch);
    await until(async () => (await lines(dir)).length >= 1, 10_000, 'the answer');
    await on.stop();
    expect(await lines(dir)).toEqual(['2|B|||answer']);
  });
});
