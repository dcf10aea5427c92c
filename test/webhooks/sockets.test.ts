// Delivery sockets against a receiver that answers 200 and then trickles its body: one socket per hook at most, a cap
// on all of them, and the server's descriptors stay bounded while it keeps serving.
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import type { CreatedWebhook } from '../../src/api/webhooks.js';
import { startTricklingReceiver } from '../helpers/trickling-receiver.js';
import { until } from '../helpers/until.js';
import { webhookApp } from '../helpers/webhook-app.js';

const openFds = () => readdirSync('/proc/self/fd').length;

test('80 hooks to a trickling receiver hold at most the cap of sockets, deliver, and leave room creates working', async () => {
  const CAP = 8;
  const receiver = await startTricklingReceiver();
  const { client, json, webhooks } = await webhookApp({ hooks: { maxSockets: CAP, timeoutMs: 10_000 } });
  const rooms = [];
  for (let r = 0; r < 4; r++) {
    const room = await client.createRoom(`hooked ${r}`);
    rooms.push(room);
    for (let h = 0; h < 20; h++) expect((await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: receiver.url })).status).toBe(201);
  }
  const baseline = openFds();
  let maxFds = baseline;
  const sampler = setInterval(() => (maxFds = Math.max(maxFds, openFds())), 20);
  try {
    for (const room of rooms) await client.sendBatch(room.id, [1, 2, 3, 4, 5].map((n) => ({ sender: 'a', content: `m${n}` })));
    // Each delivery's body is cut after a moment, so the 8 sockets carry on: 40 acknowledged deliveries take ~3 s.
    await until(() => receiver.requests >= 40, 20_000, '40 deliveries');
  } finally {
    clearInterval(sampler);
  }
  for (let i = 0; i < 20; i++) expect((await json('POST', '/agent/rooms', { name: `while trickling ${i}` })).status).toBe(201);
  expect(receiver.maxOpen).toBeLessThanOrEqual(CAP);
  // Both ends of each socket are in this process, and the hooks' state files are written meanwhile.
  expect(maxFds - baseline).toBeLessThanOrEqual(2 * CAP + 10);
  const hooks = (await Promise.all(rooms.map((r) => webhooks.list(r.id)))).flat();
  expect(hooks.filter((h) => h.lastDeliveredSeq > 0).length).toBeGreaterThan(0);
  expect(hooks.every((h) => h.failures === 0)).toBe(true);
});

test('a hook holds one socket at a time, and none once it is removed', async () => {
  const receiver = await startTricklingReceiver();
  const { client, json } = await webhookApp({ hooks: { maxSockets: 4 } });
  const room = await client.createRoom('one hook');
  const hook = (await (await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: receiver.url })).json()) as CreatedWebhook;
  await client.sendBatch(room.id, [1, 2, 3].map((n) => ({ sender: 'a', content: `m${n}` })));
  await until(() => receiver.requests === 3, 10_000, 'three deliveries');
  expect(receiver.maxOpen).toBe(1);
  expect((await json('DELETE', `/agent/rooms/${room.id}/webhooks/${hook.id}`)).status).toBe(200);
  await until(() => receiver.open === 0, 5000, 'the socket closed');
});

test('a receiver that ends its answer at once keeps one connection for all deliveries', async () => {
  let connections = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.once('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  receiver.on('connection', () => connections++);
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  try {
    const { client, json, webhooks } = await webhookApp();
    const room = await client.createRoom('kept alive');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await json('POST', `/agent/rooms/${room.id}/webhooks`, { url })).status).toBe(201);
    await client.sendBatch(room.id, [1, 2, 3, 4, 5].map((n) => ({ sender: 'a', content: `m${n}` })));
    await until(async () => (await webhooks.list(room.id))[0]?.lastDeliveredSeq === 5, 10_000, 'five deliveries');
    expect(connections).toBe(1);
  } finally {
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
