// Three webhook services on one Redis (one store in this process): each hook is delivered by one of them at a time,
// exactly once per message; another takes over when the one delivering stops; hook changes reach every service.
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisHookState } from '../../../src/store/redis/hook-state.js';
import type { Webhooks } from '../../../src/webhooks/webhooks.js';
import { openStore } from '../../helpers/app.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { openWebhooks } from '../../helpers/webhook-app.js';
import { startReceiver, until } from '../../helpers/webhook-receiver.js';

const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
});

let prefixes = 0;

async function fleet(size: number, leaseMs: number) {
  const redis = await sharedRedis();
  const dir = await tempDir();
  const store = await openStore({ dir });
  const prefix = `fleet${++prefixes}:`;
  const services: { webhooks: Webhooks; state: RedisHookState }[] = [];
  for (let i = 0; i < size; i++) {
    const link = createClient({ url: redis.url });
    const sub = link.duplicate();
    await Promise.all([link.connect(), sub.connect()]);
    clients.push(sub, link);
    const state = new RedisHookState({ redis: link, subscriber: sub, prefix, leaseMs });
    services.push({ state, webhooks: await openWebhooks({ store, dataDir: dir, state }) });
  }
  return { store, services, prefix, redis };
}

describe.runIf(hasRedis)('webhook state in Redis', () => {
  test('three services, one hook: every message delivered once, in order, one at a time; the stored cursor is shared', async () => {
    const { store, services } = await fleet(3, 1000);
    const receiver = await startReceiver();
    const room = await store.createRoom({ name: 'fleet' });
    const created = await services[0]!.webhooks.add(room, { url: receiver.url });
    receiver.setSecret(created.secret);
    // Every service learns of the hook (through the change notice) and lists it.
    for (const { webhooks } of services) await until(async () => (await webhooks.list(room.id)).length === 1, 5000, 'hook listed everywhere');
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(room.id, [1, 2, 3].map((n) => ({ sender: 'a', content: `m${i}-${n}` })))));
    await until(() => receiver.accepted.length >= 30, 15_000, '30 deliveries');
    // Two lease lifetimes more: a second deliverer would have had time to send something again.
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.accepted.map((d) => d.body.data.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(receiver.attempts).toHaveLength(30);
    expect(receiver.maxInFlight).toBe(1);
    for (const { webhooks } of services) expect((await webhooks.get(room.id, created.id)).lastDeliveredSeq).toBe(30);
  });

  test('when the service delivering a hook stops, another takes over from the stored cursor', async () => {
    const { store, services, prefix, redis } = await fleet(3, 600);
    const receiver = await startReceiver();
    const room = await store.createRoom({ name: 'takeover' });
    const created = await services[1]!.webhooks.add(room, { url: receiver.url });
    receiver.setSecret(created.secret);
    for (const { webhooks } of services) await until(async () => (await webhooks.list(room.id)).length === 1, 5000, 'hook listed everywhere');
    await store.append(room.id, [1, 2, 3, 4, 5].map((n) => ({ sender: 'a', content: `m${n}` })));
    await until(() => receiver.accepted.length >= 5, 10_000, 'first five');
    // Which service holds the lease: its token starts with that service's instance id.
    const probe = createClient({ url: redis.url });
    await probe.connect();
    clients.push(probe);
    const token = await probe.get(services[0]!.state.leaseKey(room.id, created.id));
    const holder = services.find((s) => token?.startsWith(`${(s.state as unknown as { instance: string }).instance}:`));
    expect(holder).toBeDefined();
    await holder!.webhooks.close();
    await store.append(room.id, [6, 7, 8, 9, 10].map((n) => ({ sender: 'a', content: `m${n}` })));
    await until(() => receiver.accepted.length >= 10, 10_000, 'next five from another service');
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.accepted.map((d) => d.body.data.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await probe.get(`${prefix}{${room.id}}:hook-lease:${created.id}`)).not.toBe(token);
  });

  test('removing or resuming a hook on one service applies on the others', async () => {
    const { store, services } = await fleet(2, 600);
    const receiver = await startReceiver(() => 500);
    const room = await store.createRoom({ name: 'changes' });
    const hook = await services[0]!.webhooks.add(room, { url: receiver.url, after: 0 });
    receiver.setSecret(hook.secret);
    await until(async () => (await services[1]!.webhooks.list(room.id)).length === 1, 5000, 'seen by the second');
    const removed = await services[1]!.webhooks.remove(room.id, hook.id);
    expect(removed.id).toBe(hook.id);
    for (const { webhooks } of services) await until(async () => (await webhooks.list(room.id)).length === 0, 5000, 'gone everywhere');
    await store.append(room.id, [{ sender: 'a', content: 'after removal' }]);
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.attempts).toHaveLength(0);
  });
});
