// CLI commands in-process against app.request: output formats, stdin, filters, exit codes.
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';
import { cli, ndjson } from '../helpers/cli.js';

const ADMIN = 'ima_cli-test-admin-token-123';

describe('CLI client commands', () => {
  test('room create prints the id alone; --json prints the room', async () => {
    const { fetch, client } = await testApp();
    const plain = await cli(['room', 'create', 'my', 'room'], fetch);
    expect(plain).toMatchObject({ code: 0, stderr: '' });
    expect(plain.stdout).toMatch(/^[a-z2-7]{26}\n$/);
    expect((await client.getRoom(plain.stdout.trim())).name).toBe('my room');
    const json = await cli(['room', 'create', 'x', '--json'], fetch);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'x', messageCount: 0 });
  });

  test('room list prints every room a page at a time (past one page of 1,000); --limit prints the newest N', async () => {
    const { fetch, store } = await testApp();
    const ids: string[] = [];
    for (let i = 0; i < 1003; i++) ids.push((await store.createRoom({ name: `r${i}` })).id);
    const all = await cli(['room', 'list'], fetch);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1003);
    expect(new Set(ids.map((id) => lines.findIndex((l) => l.includes(id)))).size).toBe(1003);
    const newest = await cli(['room', 'list', '--limit', '2', '--json'], fetch);
    expect(ndjson(newest.stdout)).toEqual((await store.listRooms()).slice(0, 2));
    expect(lines.slice(0, 2).map((l) => ids.find((id) => l.includes(id)))).toEqual((await store.listRooms()).slice(0, 2).map((r) => r.id));
    expect((await cli(['room', 'list', '--limit', '0'], fetch)).code).toBe(2);
  });

  test.each([
    ['on a terminal', true, /^[a-z2-7]{26}\nwrite key: imw_\S+\nread key:  imr_\S+\n$/, /^These keys are shown this once: keep them\./],
    ['in a pipe', false, /^[a-z2-7]{26}\n$/, /^write key: imw_\S+\nread key:  imr_\S+\nThese keys are shown this once: keep them\./],
  ])('with auth on, room create prints the keys %s (stdout keeps the id alone in a pipe)', async (_where, interactive, stdout, stderr) => {
    const { fetch } = await testApp({ auth: { adminTokenHash: hashKey(ADMIN) } });
    const r = await cli(['room', 'create', 'guarded', '--key', ADMIN], fetch, { interactive, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(stdout);
    expect(r.stderr).toMatch(stderr);
    // The printed keys are the room's: the write key posts, the read key reads.
    const [, write, read] = /write key: (\S+)\nread key: {2}(\S+)/.exec(r.stdout + r.stderr)!;
    const roomId = r.stdout.slice(0, 26);
    await new Client({ baseUrl: 'http://test', fetch, key: write! }).send(roomId, { sender: 'a', content: 'hi' });
    expect(await new Client({ baseUrl: 'http://test', fetch, key: read! }).history(roomId)).toMatchObject([{ content: 'hi' }]);
  });

  test('send takes the text from arguments or standard input and prints the seq', async () => {
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    expect(await cli(['send', roomId, 'hello', 'there', '--as', 'bob', '--to', 'a,b', '--type', 'note', '--metadata', '{"k":1}'], fetch)).toMatchObject({ code: 0, stdout: '1\n' });
    expect(await cli(['send', roomId, '--as', 'carol'], fetch, { input: 'line one\nline two\n' })).toMatchObject({ code: 0, stdout: '2\n' });
    const [a, b] = await client.history(roomId);
    expect(a).toMatchObject({ sender: 'bob', content: 'hello there', to: ['a', 'b'], type: 'note', metadata: { k: 1 } });
    expect(b).toMatchObject({ sender: 'carol', content: 'line one\nline two' });
  });

  test('tail prints the last n messages, as text or NDJSON', async () => {
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, ['a', 'b', 'c'].map((content) => ({ sender: 'x', content })));
    const text = await cli(['tail', roomId, '-n', '2'], fetch);
    expect(text.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^#2 \d\d:\d\d:\d\d x: b$/), expect.stringMatching(/^#3 .* x: c$/)]);
    const nd = await cli(['tail', roomId, '--json'], fetch);
    expect(nd.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).content)).toEqual(['a', 'b', 'c']);
  });

  test('wait prints the first message matching --from/--to past --after, and exits 124 at --timeout', async () => {
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [
      { sender: 'a', content: 'not for you' },
      { sender: 'b', content: 'from b to c', to: ['c'] },
    ]);
    const hit = await cli(['wait', roomId, '--after', '0', '--from', 'b', '--to', 'c', '--json'], fetch);
    expect(hit.code).toBe(0);
    expect(JSON.parse(hit.stdout)).toMatchObject({ seq: 2, content: 'from b to c' });
    const miss = await cli(['wait', roomId, '--timeout', '0.2'], fetch);
    expect(miss).toMatchObject({ code: 124, stdout: '' });
    expect(miss.stderr).toMatch(/No matching message within 0.2s/);
  });

  test.each([
    [['send'], 2, /missing required argument 'room'/],
    [['send', 'r', 'x', '--metadata', '{'], 2, /--metadata is not valid JSON/],
    [['tail', 'r', '-n', 'many'], 2, /--lines must be a whole number/],
    [['bogus-command'], 2, /^error: unknown command 'bogus-command'. See im-for-agents --help.\n$/],
    [['sned', 'r', 'hi'], 2, /^error: unknown command 'sned'. Did you mean 'send'\? See im-for-agents --help.\n$/],
    [['sned', '--help'], 2, /^error: unknown command 'sned'. Did you mean 'send'\? See im-for-agents --help.\n$/],
    [['--as', 'bob', 'wiat', 'r'], 2, /^error: unknown command 'wiat'. Did you mean 'wait'\?/],
    [['--port', '99999'], 2, /^error: --port must be a port number from 0 to 65535 \(got "99999"\)\n$/],
    [['serve', '-p', '-1'], 2, /^error: --port must be a port number from 0 to 65535 \(got "-1"\)\n$/],
    [['send', 'nosuchroom', 'hi'], 1, /No room with id "nosuchroom"/],
  ])('%j exits %i with one clear line on stderr', async (argv, code, says) => {
    const { fetch } = await testApp();
    const r = await cli(argv, fetch);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(says);
    expect(r.stdout).toBe('');
  });

  test('--help lists every command and the server options; send --help and help send list --as', async () => {
    const top = await cli(['--help'], undefined);
    expect(top).toMatchObject({ code: 0, stderr: '' });
    for (const line of [/send \[options\] <room> \[text\.\.\.\]/, /wait \[options\] <room>/, /Server options \(im-for-agents \[serve\] \[options\]\):/, /-p, --port <port>/, /--data <dir>/, /--no-open/]) {
      expect(top.stdout).toMatch(line);
    }
    const send = await cli(['send', '--help'], undefined);
    expect(send).toMatchObject({ code: 0, stderr: '' });
    expect(send.stdout).toMatch(/--as <name> +sender name/);
    expect(send.stdout).toMatch(/--connect-timeout <seconds>/);
    expect((await cli(['serve', '--help'], undefined)).stdout).not.toMatch(/--as <name>/);
    const helpSend = await cli(['help', 'send'], undefined);
    expect(helpSend).toMatchObject({ code: 0, stderr: '' });
    expect(helpSend.stdout).toMatch(/^Usage: im-for-agents send \[options\] <room> \[text\.\.\.\]\n/);
  });

  test('send with no text on a terminal explains how to give it', async () => {
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const r = await cli(['send', roomId], fetch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pipe it in on standard input/);
  });
});
