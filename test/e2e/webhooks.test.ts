// Webhooks on a real server process: nothing lost across kill -9 mid-delivery, the CLI, and the server flags.
import { readdirSync } from 'node:fs';
import { expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { DEFAULT_DELIVERY_SOCKETS } from '../../src/webhooks/delivery-sockets.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTricklingReceiver } from '../helpers/trickling-receiver.js';
import { until } from '../helpers/until.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

test('kill -9 between send and delivery loses nothing; a dead URL ends paused (--webhook-max-failures)', async () => {
  let accept = false;
  const receiver = await startReceiver(() => (accept ? 200 : 'hang'));
  const dead = await startReceiver();
  const deadUrl = dead.url;
  await dead.close();

  const data = await tempDir();
  let server = await startServer(data, ['--webhook-max-failures', '2']);
  let client = new Client({ baseUrl: server.url });
  const room = (await client.createRoom('hooked')).id;
  const hook = await client.createWebhook(room, { url: receiver.url });
  receiver.setSecret(hook.secret);
  const sent = await client.sendBatch(room, [1, 2, 3, 4, 5].map((n) => ({ sender: 'e2e', content: `m${n}` })));

  // The first delivery is in flight (the receiver holds it) when the server dies.
  await until(() => receiver.attempts.length === 1, 10_000, 'the first attempt');
  await server.kill9();
  accept = true;
  server = await startServer(data, ['--webhook-max-failures', '2']);
  client = new Client({ baseUrl: server.url });
  await until(() => receiver.accepted.length >= 5, 15_000, 'all five after the restart');
  expect(receiver.rejected).toEqual([]);
  expect(receiver.accepted.map((d) => d.body.data.seq)).toEqual(sent.map((m) => m.seq));
  expect(receiver.accepted.map((d) => d.body.data.content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);

  const deadHook = await client.createWebhook(room, { url: deadUrl });
  await client.send(room, { sender: 'e2e', content: 'to nobody' });
  await until(async () => (await client.listWebhooks(room)).find((h) => h.id === deadHook.id)?.state === 'paused', 15_000, 'the dead hook paused');
  await until(() => receiver.accepted.length === 6, 15_000, 'the sixth');
  const [live, paused] = await client.listWebhooks(room);
  expect(live).toMatchObject({ id: hook.id, state: 'active', lastDeliveredSeq: 6, failures: 0 });
  expect(paused).toMatchObject({ id: deadHook.id, state: 'paused', lastDeliveredSeq: 5, failures: 2, lastError: expect.stringMatching(/^seq 6: .*ECONNREFUSED/) });
});

test('with auth on, hooks to private addresses are refused unless --allow-private-webhooks', async () => {
  const token = 'ima_e2e-webhook-admin-token-0000';
  const refused = await startServer(await tempDir(), ['--token', token]);
  const client = new Client({ baseUrl: refused.url, key: token });
  const room = (await client.createRoom('locked')).id;
  await expect(client.createWebhook(room, { url: 'http://127.0.0.1:9/hook' })).rejects.toThrow(
    '127.0.0.1 is a loopback, private or link-local address; this server refuses such webhook URLs (start it with --allow-private-webhooks',
  );

  const allowed = await startServer(await tempDir(), ['--token', token, '--allow-private-webhooks']);
  const client2 = new Client({ baseUrl: allowed.url, key: token });
  const room2 = (await client2.createRoom('open')).id;
  expect((await client2.createWebhook(room2, { url: 'http://127.0.0.1:9/hook' })).state).toBe('active');
});

test('80 hooks to a receiver that answers 200 and trickles its body keep the descriptors bounded under ulimit -n 256', async () => {
  const receiver = await startTricklingReceiver();
  const server = await startServer(await tempDir(), [], {}, { openFiles: 256 });
  const client = new Client({ baseUrl: server.url });
  const fds = () => readdirSync(`/proc/${server.proc.pid}/fd`).length;
  const rooms: string[] = [];
  for (let r = 0; r < 4; r++) {
    const room = (await client.createRoom(`trickled ${r}`)).id;
    rooms.push(room);
    for (let h = 0; h < 20; h++) await client.createWebhook(room, { url: receiver.url });
  }
  const baseline = fds();
  let maxFds = baseline;
  const sampler = setInterval(() => (maxFds = Math.max(maxFds, fds())), 20);
  try {
    for (const room of rooms) await client.sendBatch(room, [1, 2, 3, 4, 5].map((n) => ({ sender: 'e2e', content: `m${n}` })));
    await until(() => receiver.requests >= 150, 20_000, '150 deliveries');
  } finally {
    clearInterval(sampler);
  }
  // The cap on all delivery sockets, plus the hooks' state files being written. (Without the cap: 256, then EMFILE.)
  expect(maxFds - baseline).toBeLessThanOrEqual(DEFAULT_DELIVERY_SOCKETS + 16);
  // The receiver may see a new connection a moment before the end of the one it replaced.
  expect(receiver.maxOpen).toBeLessThanOrEqual(DEFAULT_DELIVERY_SOCKETS + 4);
  // The server keeps serving while the rest is delivered: every create succeeds (without the cap: 503s).
  expect(receiver.requests).toBeLessThan(400);
  for (let i = 0; i < 40; i++) await client.createRoom(`while trickling ${i}`);
  expect(server.stderr()).not.toMatch(/EMFILE/);
  await server.stop();
});
