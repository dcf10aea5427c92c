// Lifecycle commands in-process against app.request: output, usage errors, and the delete confirmation.
import { describe, expect, test } from 'vitest';
import { testApp } from '../helpers/app.js';
import { cli, ndjson } from '../helpers/cli.js';

describe('room lifecycle commands', () => {
  test('rename, topic, set: stderr says what changed; --json prints the room', async () => {
    const { fetch, client } = await testApp();
    const { id } = await client.createRoom('before');
    expect(await cli(['room', 'rename', id, 'release', '1.2'], fetch)).toEqual({ code: 0, stdout: '', stderr: `Room ${id} is now named "release 1.2".\n` });
    expect(await cli(['room', 'topic', id, 'ship', 'Friday'], fetch)).toMatchObject({ code: 0, stderr: `Room ${id}'s topic is now "ship Friday".\n` });
    const set = await cli(['room', 'set', id, '--loop-guard', '4', '--agent-keys-only', 'on', '--json'], fetch);
    expect(JSON.parse(set.stdout)).toMatchObject({ id, name: 'release 1.2', topic: 'ship Friday', settings: { loopGuard: 4, agentKeysOnly: true } });
    expect(await cli(['room', 'set', id, '--loop-guard', 'off'], fetch)).toMatchObject({ code: 0, stderr: `Room ${id}: loop guard off, agent keys only on.\n` });
    await cli(['room', 'set', id, '--agent-keys-only', 'off'], fetch);
    await cli(['room', 'topic', id, '--clear'], fetch);
    const room = await client.getRoom(id);
    expect(room).not.toHaveProperty('settings');
    expect(room).not.toHaveProperty('topic');
  });

  test.each([
    [['room', 'set', 'R'], /give at least one setting/],
    [['room', 'set', 'R', '--loop-guard', '0'], /--loop-guard must be a whole number from 1 to 1000, or off \(got "0"\)/],
    [['room', 'set', 'R', '--agent-keys-only', 'yes'], /--agent-keys-only must be on or off/],
    [['room', 'topic', 'R'], /give the topic text, or --clear/],
    [['room', 'topic', 'R', 'x', '--clear'], /not both/],
    [['room', 'rename', 'R'], /missing required argument 'name'/],
    [['redact', 'R', '0'], /seq must be a whole number of 1 or more/],
    [['redact', 'R', 'x'], /seq must be a whole number/],
    [['agent', 'add', 'R'], /missing required argument 'name'/],
  ])('%j is a usage error (exit 2) that says what to fix', async (argv, says) => {
    const { fetch } = await testApp();
    const r = await cli(argv, fetch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(says);
  });

  test('delete without a terminal needs --yes (exit 2, nothing deleted); with --yes it deletes', async () => {
    const { fetch, client } = await testApp();
    const { id } = await client.createRoom('doomed');
    const refused = await cli(['room', 'delete', id], fetch, { input: '' });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/cannot be undone: pass --yes/);
    expect((await client.getRoom(id)).id).toBe(id);
    expect(await cli(['room', 'delete', id, '--yes'], fetch)).toEqual({ code: 0, stdout: '', stderr: `Deleted room ${id}.\n` });
    await expect(client.getRoom(id)).rejects.toMatchObject({ status: 404 });
  });

  test.each([
    ['y\n', true],
    ['yes\n', true],
    ['n\n', false],
    ['\n', false],
    ['', false],
  ])('delete on a terminal asks, naming the room; answer %j deletes: %s', async (input, deleted) => {
    const { fetch, client } = await testApp();
    const { id } = await client.createRoom('prod logs');
    await client.send(id, { sender: 'a', content: 'x' });
    // A terminal: `input` is what the person types.
    const r = await cli(['room', 'delete', id], fetch, { tty: true, interactive: true, input });
    expect(r.stderr).toContain(`Delete room "prod logs" (${id}) and its 1 message(s)? This cannot be undone. [y/N] `);
    expect(r.code).toBe(deleted ? 0 : 1);
    if (!deleted) expect(r.stderr).toMatch(/not done \(answer y to go ahead, or pass --yes\)/);
    expect((await client.listRooms()).length).toBe(deleted ? 0 : 1);
  });

  test('rotate-keys prints the new keys on stdout; agent add prints the key alone; list and rm', async () => {
    const { fetch, client } = await testApp();
    const { id } = await client.createRoom('r');
    const rotated = await cli(['room', 'rotate-keys', id], fetch);
    expect(rotated.stdout).toMatch(/^write key: imw_\S+\nread key: {2}imr_\S+\n$/);
    expect(rotated.stderr).toMatch(/shown this once/);
    const added = await cli(['agent', 'add', id, 'reviewer'], fetch);
    expect(added.stdout).toMatch(/^imag_\S+\n$/);
    expect(added.stderr).toMatch(/key of agent "reviewer" is shown this once/);
    await cli(['agent', 'add', id, 'coder'], fetch);
    expect((await cli(['agent', 'list', id], fetch)).stdout).toMatch(/^reviewer {2}\S+\ncoder {2}\S+\n$/);
    expect(ndjson((await cli(['agent', 'list', id, '--json'], fetch)).stdout)).toMatchObject([{ name: 'reviewer' }, { name: 'coder' }]);
    expect(await cli(['agent', 'rm', id, 'coder'], fetch)).toMatchObject({ code: 0, stderr: 'Revoked agent "coder": its key is refused from now on.\n' });
    const missing = await cli(['agent', 'rm', id, 'coder'], fetch);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no agent named "coder"/);
    expect((await client.listAgents(id)).map((a) => a.name)).toEqual(['reviewer']);
  });

  test('redact prints what it did; --json the redacted message; an unknown seq is exit 1 with the server\'s words', async () => {
    const { fetch, client } = await testApp();
    const { id } = await client.createRoom('r');
    await client.send(id, { sender: 'leaky', content: 'password hunter2' });
    expect(await cli(['redact', id, '1'], fetch)).toEqual({ code: 0, stdout: '', stderr: `Redacted message 1 of room ${id} (sent by leaky).\n` });
    expect(JSON.parse((await cli(['redact', id, '1', '--json'], fetch)).stdout)).toMatchObject({ seq: 1, content: '[redacted]', redacted: true });
    const unknown = await cli(['redact', id, '9'], fetch);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: Room \S+ has no message 9/);
  });
});
