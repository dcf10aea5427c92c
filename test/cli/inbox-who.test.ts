// `room who` (presence as a table or NDJSON), `inbox` (unread messages, --ack) and `wait --to` matching @mentions.
import { describe, expect, test } from 'vitest';
import type { CreatedAgent } from '../../src/api/types.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';
import { cli, startCli } from '../helpers/cli.js';
import { pollFor } from '../helpers/until.js';

const ADMIN = 'ima_cli-inbox-admin-token-123';

describe('room who', () => {
  test('prints a table of who listens (a named long-poll) and who posted; --json prints one object per name', async () => {
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.send(roomId, { sender: 'bob', content: 'hi' });
    const ac = new AbortController();
    const polling = client.history(roomId, { after: 1, wait: 30, as: 'watcher', signal: ac.signal }).catch(() => []);
    const table = await pollFor(async () => (await cli(['room', 'who', roomId], fetch)).stdout, (t) => /watcher +yes/.test(t), 10_000, 'watcher listening', 20);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +LISTENING +LAST SEEN +LAST POST$/);
    expect(lines[1]).toMatch(/^watcher +yes +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +-$/);
    expect(lines[2]).toMatch(/^bob +no +\d{4}-.+Z +\d{4}-.+Z$/);
    expect(lines).toHaveLength(3);

    const json = await cli(['room', 'who', roomId, '--json'], fetch);
    expect(json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { name: string; listening: boolean })).toMatchObject([
      { name: 'watcher', listening: true },
      { name: 'bob', listening: false, lastPostAt: expect.any(String) },
    ]);
    ac.abort();
    await polling;

    const { roomId: empty } = await client.createRoom('quiet');
    expect(await cli(['room', 'who', empty], fetch)).toMatchObject({ code: 0, stdout: '', stderr: expect.stringMatching(/^Nobody yet/) });
  });
});

test('an `on` loop and a `wait` named by --as (or IM_SENDER) listen while they run, and stop listening after', async () => {
  // Stopped listeners stop counting after 100 ms rather than the default grace (presence-registry.test.ts holds it).
  const { fetch, client } = await testApp({ listenGraceMs: 100 });
  const { roomId } = await client.createRoom('r');
  const listeners = async () => (await client.presence(roomId)).agents.filter((a) => a.listening).map((a) => a.name).sort();
  const until = async (want: string[]) => expect(await pollFor(listeners, (l) => JSON.stringify(l) === JSON.stringify(want), 15_000, `listeners ${want}`, 20)).toEqual(want);
  const on = new AbortController();
  const looping = startCli(['on', roomId, '--as', 'looper', '--', 'true'], fetch, { env: { PATH: process.env.PATH } }, on.signal).done;
  const waiting = startCli(['wait', roomId, '--timeout', '30'], fetch, { env: { IM_SENDER: 'waiter' } }).done;
  await until(['looper', 'waiter']);
  on.abort();
  expect(await looping).toBe(0);
  await client.send(roomId, { sender: 'x', content: 'done' });
  expect(await waiting).toBe(0);
  await until([]);
});

describe('inbox', () => {
  test('prints the unread messages for --as (to it, @mentioning it, to everyone); --ack marks them read', async () => {
    const { fetch, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    await client.sendBatch(roomId, [
      { sender: 'alice', content: 'all hands' },
      { sender: 'alice', content: 'for carol', to: ['carol'] },
      { sender: 'carol', content: 'hey @bob' },
      { sender: 'bob', content: 'my own' },
    ]);
    const first = await cli(['inbox', roomId, '--as', 'bob', '--json'], fetch);
    expect(first.code).toBe(0);
    expect(first.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { content: string }).content)).toEqual(['all hands', 'hey @bob']);

    const acked = await cli(['inbox', roomId, '--as', 'bob', '--limit', '1', '--ack'], fetch);
    expect(acked.stdout).toMatch(/^#1 \d\d:\d\d:\d\d alice: all hands\n$/);
    expect((await cli(['inbox', roomId, '--as', 'bob', '--ack'], fetch)).stdout).toMatch(/^#3 .*carol: hey @bob\n$/);
    expect(await cli(['inbox', roomId, '--as', 'bob'], fetch)).toMatchObject({ code: 0, stdout: '', stderr: 'No unread messages for bob.\n' });
    // IM_SENDER names the reader too; carol's inbox was not touched by bob's acks.
    const carol = await cli(['inbox', roomId, '--json'], fetch, { env: { IM_SENDER: 'carol' } });
    expect(carol.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { content: string }).content)).toEqual(['all hands', 'for carol', 'my own']);
    expect((await client.inbox(roomId, { as: 'bob' })).cursor).toBe(3);

    const nameless = await cli(['inbox', roomId], fetch);
    expect(nameless).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/--as NAME/) });
  });

  test('with auth on, an agent key reads its own inbox without --as, and cannot read another', async () => {
    const { fetch, json } = await testApp({ auth: { adminTokenHash: hashKey(ADMIN) } });
    const admin = { authorization: `Bearer ${ADMIN}` };
    const room = (await (await json('POST', '/agent/rooms', { name: 'r' }, admin)).json()) as { roomId: string };
    const alice = (await (await json('POST', `/agent/rooms/${room.roomId}/agents`, { name: 'alice' }, admin)).json()) as CreatedAgent;
    await json('POST', `/agent/rooms/${room.roomId}/messages`, { sender: 'bob', content: 'thanks @alice' }, admin);
    const mine = await cli(['inbox', room.roomId, '--key', alice.key, '--ack'], fetch);
    expect(mine).toMatchObject({ code: 0, stdout: expect.stringMatching(/bob: thanks @alice\n$/) });
    const other = await cli(['inbox', room.roomId, '--key', alice.key, '--as', 'bob'], fetch);
    expect(other).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/belongs to "alice"/) });
  });
});

test('wait --to NAME also takes a message that @mentions NAME', async () => {
  const { fetch, client } = await testApp();
  const { roomId } = await client.createRoom('r');
  await client.sendBatch(roomId, [
    { sender: 'a', content: 'nothing for c' },
    { sender: 'b', content: 'ping @c about it' },
  ]);
  const hit = await cli(['wait', roomId, '--after', '0', '--to', 'c', '--json'], fetch);
  expect(hit.code).toBe(0);
  expect(JSON.parse(hit.stdout)).toMatchObject({ seq: 2, mentions: ['c'] });
});
