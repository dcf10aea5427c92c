// The one `--json` rule (docs/cli.md): every list command prints one JSON object per line (NDJSON), never an array.
import { expect, test } from 'vitest';
import { webhookApp } from '../helpers/webhook-app.js';
import { cli, ndjson } from '../helpers/cli.js';

test('every list command prints one JSON object per item, one per line, and nothing for none', async () => {
  const { fetch, client } = await webhookApp();
  const empty = await cli(['room', 'list', '--json'], fetch);
  expect(empty).toMatchObject({ code: 0, stdout: '' });

  const { roomId } = await client.createRoom('r');
  await client.createRoom('s');
  await client.addAgent(roomId, 'coder');
  await client.addAgent(roomId, 'reviewer');
  const first = await client.send(roomId, { sender: 'planner', content: 'ship it?' });
  await client.send(roomId, { sender: 'coder', content: 'ship it: tests pass', replyTo: first.id });
  await cli(['hook', 'add', roomId, 'http://127.0.0.1:9/a'], fetch);
  await cli(['hook', 'add', roomId, 'http://127.0.0.1:9/b'], fetch);

  const lists: [string[], number][] = [
    [['room', 'list'], 2],
    [['agent', 'list', roomId], 2],
    [['hook', 'list', roomId], 2],
    [['thread', roomId, first.id], 2],
    [['search', roomId, 'ship'], 2],
    [['tail', roomId, '-n', '2'], 2],
  ];
  for (const [args, count] of lists) {
    const out = await cli([...args, '--json'], fetch);
    expect(out.code, args.join(' ')).toBe(0);
    const values = ndjson(out.stdout);
    expect(values, args.join(' ')).toHaveLength(count);
    for (const value of values) expect(typeof value === 'object' && value !== null && !Array.isArray(value), args.join(' ')).toBe(true);
  }
});
