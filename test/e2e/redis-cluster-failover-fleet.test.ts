// Failover on a local Redis Cluster, for what a fleet keeps there besides messages: kill -9 of the master that holds a
// room's webhook, its lease and its presence hash; once the replica is promoted, the webhook delivers again (each
// acknowledged message once) and the other server's presence answer shows the room's listener again (issue 26, item 4).
import { afterEach, describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { hasRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { startServer } from '../helpers/server-process.js';
import { resumingSubscriber } from '../helpers/sse-messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

// The helpers stop the servers after the test and the cluster's nodes after the file.
const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

/** Sends until one is acknowledged (sends to a failed-over room answer 503 for the window) and returns it. */
async function sendOnce(client: Client, roomId: string, content: string): Promise<Message> {
  let sent: Message | undefined;
  await until(
    () => client.send(roomId, { sender: 'after', content }).then((m) => ((sent = m), true), () => false),
    90_000,
    `a send of "${content}" to be acknowledged`,
    100,
  );
  return sent!;
}

describe.skipIf(!hasRedisCluster)('failover on a Redis Cluster: webhooks and presence', () => {
  test('kill -9 of the master holding a room\'s hook, lease and presence: the hook delivers each acknowledged message once, and the other server sees the listener again', async () => {
    const c = await startRedisCluster({ nodeTimeoutMs: 1500 });
    const args = ['--store', c.seeds, '--redis-wait', '1', '--webhook-lease', '1'];
    const servers = [await startServer(await tempDir(), args), await startServer(await tempDir(), args)];
    const [a, b] = servers.map((s) => new Client({ baseUrl: s.url })) as [Client, Client];
    const receiver = await startReceiver();
    const { roomId } = await a.createRoom('failover-fleet');
    const hook = await a.createWebhook(roomId, { url: receiver.url });
    receiver.setSecret(hook.secret);
    resumingSubscriber(servers[1]!.url, roomId, aborts, 'watcher'); // reopens by itself if the failover ends it
    const listening = () => a.presence(roomId).then((p) => p.agents.some((e) => e.name === 'watcher' && e.listening), () => false);
    await until(listening, 90_000, 'server A to see the listener on server B');

    const before: Message[] = [];
    for (let n = 0; n < 5; n++) before.push(await a.send(roomId, { sender: 'before', content: `before.${n}` }));
    await until(() => receiver.accepted.length >= 5, 90_000, 'the messages before the failover to be delivered');

    // Every key involved carries the room's tag, so one master holds them all: the one killed.
    const { master } = await c.holders(`im:{${roomId}}:room`);
    for (const key of [`im:{${roomId}}:hooks`, `im:{${roomId}}:hook-lease:${hook.id}`, `im:{${roomId}}:presence`]) {
      expect((await c.holders(key)).master).toBe(master);
    }
    // Replication is asynchronous for what --redis-wait does not wait for (the hook's delivered seq, presence): the
    // kill comes once the replica has all of it, so what is checked is recovery, not a write lost in the last moment.
    const { replicas } = await c.holders(`im:{${roomId}}:room`);
    const offset = async (i: number, field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(await c.cli(i, 'info', 'replication'))?.[1]);
    await until(async () => (await offset(replicas[0]!, 'slave_repl_offset')) >= (await offset(master, 'master_repl_offset')), 90_000, 'the replica to catch up');
    await c.kill(master);
    const promoted = () => c.holders(`im:{${roomId}}:room`).then((h) => h.master !== master, () => false); // no master while it fails over
    await until(promoted, 90_000, 'the replica to be promoted');
    // With --redis-wait 1 sends answer 503 until the promoted master has a replica: the killed node, restarted.
    await c.restart(master);

    const after = await sendOnce(a, roomId, 'after the failover');
    await until(() => receiver.accepted.some((d) => d.body.data.seq === after.seq), 90_000, 'the message after the failover to be delivered');
    await until(listening, 90_000, 'server A to see the listener on server B again');
    // Deliveries go in seq order, one at a time: once a last message is delivered, any repeat of an earlier one has been.
    const last = await sendOnce(b, roomId, 'last');
    await until(() => receiver.accepted.some((d) => d.body.data.seq === last.seq), 90_000, 'the last message to be delivered');

    const stored = await b.readAll(roomId);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: last.seq }, (_, i) => i + 1));
    for (const m of [...before, after, last]) expect(stored.find((s) => s.seq === m.seq)?.content).toBe(m.content);
    expect(receiver.accepted.map((d) => d.body.data.seq)).toEqual(stored.map((m) => m.seq));
    expect(receiver.attempts).toHaveLength(stored.length);
    expect(receiver.rejected).toEqual([]);
  }, 300_000); // a guard against a hang: a 6-node cluster, two servers and five 90 s waits on a loaded machine
});
