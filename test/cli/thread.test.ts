// `thread ROOM ID` in-process: replies printed indented under the message they answer.
import { expect, test } from 'vitest';
import { testApp } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';

test('thread prints the message, then each reply indented one level under what it answers', async () => {
  const { client, fetch } = await testApp();
  const { roomId } = await client.createRoom('t');
  const root = await client.send(roomId, { sender: 'planner', content: 'ship it?' });
  await client.send(roomId, { sender: 'other', content: 'not in the thread' });
  const a = await client.send(roomId, { sender: 'coder', content: 'tests first', replyTo: root.id });
  await client.send(roomId, { sender: 'reviewer', content: 'agreed\nand docs', replyTo: a.id });
  await client.send(roomId, { sender: 'human', content: 'yes', replyTo: root.id });

  const out = await cli(['thread', roomId, root.id], fetch);
  expect(out.code).toBe(0);
  const lines = out.stdout.replace(/\d\d:\d\d:\d\d/g, 'T').split('\n');
  expect(lines).toEqual(['#1 T planner: ship it?', '  ↳ #3 T coder: tests first', '    ↳ #4 T reviewer:', '      agreed', '      and docs', '  ↳ #5 T human: yes', '']);
  const json = await cli(['thread', roomId, a.id, '--json'], fetch);
  expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([3, 4]);
  const missing = await cli(['thread', roomId, 'nope'], fetch);
  expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('has no message with id nope') });
});
