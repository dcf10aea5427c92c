// `hook add|list|rm|resume` in-process against an app with webhooks on.
import { expect, test } from 'vitest';
import { cli, ndjson } from '../helpers/cli.js';
import { webhookApp } from '../helpers/webhook-app.js';

test('hook add prints the id and secret; list shows state and filters; rm removes it', async () => {
  const { fetch, client } = await webhookApp();
  const { roomId } = await client.createRoom('r');
  const added = await cli(['hook', 'add', roomId, 'http://127.0.0.1:9/hook', '--to', 'coder', '--from', 'planner', '--type', 'task'], fetch);
  expect(added.code).toBe(0);
  const [id, secret] = added.stdout.trim().split(' ');
  expect(id).toMatch(/^wh_/);
  expect(secret).toMatch(/^whsec_/);
  expect(added.stderr).toContain('shown this once');
  expect(await client.listWebhooks(roomId)).toMatchObject([{ id, to: 'coder', sender: 'planner', type: 'task' }]);

  const list = await cli(['hook', 'list', roomId], fetch);
  expect(list.stdout).toBe(`${id}  active  seq 0  http://127.0.0.1:9/hook  from=planner to=coder type=task\n`);
  const json = await cli(['hook', 'list', roomId, '--json'], fetch);
  expect(ndjson(json.stdout)).toMatchObject([{ id, state: 'active' }]);

  const resumed = await cli(['hook', 'resume', roomId, id!], fetch);
  expect(resumed).toMatchObject({ code: 0, stdout: expect.stringContaining(`${id}  active`) });
  expect(await cli(['hook', 'rm', roomId, id!], fetch)).toMatchObject({ code: 0, stdout: '' });
  const empty = await cli(['hook', 'list', roomId], fetch);
  expect(empty).toMatchObject({ code: 0, stdout: '', stderr: expect.stringContaining('No webhooks in this room') });
  const gone = await cli(['hook', 'rm', roomId, id!], fetch);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/^error: Room \w+ has no webhook wh_/);
});

test('hook add reports a bad URL as the server words it', async () => {
  const { fetch, client } = await webhookApp();
  const { roomId } = await client.createRoom('r');
  const bad = await cli(['hook', 'add', roomId, 'ftp://example.com/x'], fetch);
  expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'error: url must start with http:// or https://\n' });
});

test('hook add --format slack --ui-url: the hook posts Slack bodies linking the UI; list shows the format', async () => {
  const { fetch, client } = await webhookApp();
  const { roomId } = await client.createRoom('r');
  const added = await cli(['hook', 'add', roomId, 'http://127.0.0.1:9/hook', '--format', 'slack', '--ui-url', 'https://im.example.com'], fetch);
  expect(added.code).toBe(0);
  const id = added.stdout.split(' ')[0];
  expect(await client.listWebhooks(roomId)).toMatchObject([{ id, format: 'slack', uiUrl: 'https://im.example.com' }]);
  expect((await cli(['hook', 'list', roomId], fetch)).stdout).toBe(`${id}  active  seq 0  http://127.0.0.1:9/hook  format=slack\n`);
  const bad = await cli(['hook', 'add', roomId, 'http://127.0.0.1:9/hook', '--format', 'teams'], fetch);
  expect(bad).toMatchObject({ code: 1, stderr: 'error: format must be one of standard, slack, discord, ntfy\n' });
});
