// Three real servers on one Redis and one webhook: sends to all three are delivered once each, in seq order; when the
// server delivering is killed (-9) with a delivery in flight, another takes over after the lease and that message
// is attempted again (at least once across a kill), and no message is acknowledged twice.
import { createClient } from 'redis';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

describe.runIf(hasRedis)('a webhook served by a fleet of three', () => {
  test('once per message across three servers; a kill -9 of the deliverer mid-delivery loses nothing', async () => {
    const redis = await startRedis();
    const servers: ServerProcess[] = [];
    for (let i = 0; i < 3; i++) servers.push(await startServer(await tempDir(), ['--store', redis.url, '--webhook-lease', '1']));
    const clients = servers.map((s) => new Client({ baseUrl: s.url }));
    let hangOn = 0;
    const hung = new Set<number>();
    // The first attempt of message `hangOn` gets no answer; every other attempt gets a 200.
    const receiver = await startReceiver((d) => (d.body.data.seq === hangOn && !hung.has(hangOn) && hung.add(hangOn) ? 'hang' : 200));
    const room = await clients[0]!.createRoom('fleet');
    const hook = await clients[1]!.createWebhook(room.id, { url: receiver.url });
    receiver.setSecret(hook.secret);

    // 60 messages, 20 sent to each server at once.
    await Promise.all(clients.map((c, i) => Promise.all(Array.from({ length: 20 }, (_, n) => c.send(room.id, { sender: `s${i}`, content: `m${i}-${n}` })))));
    await until(() => receiver.accepted.length >= 60, 30_000, '60 deliveries');
    await new Promise((r) => setTimeout(r, 2500)); // more than two leases: time for a duplicate to show up
    expect(receiver.accepted.map((d) => d.body.data.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(receiver.attempts).toHaveLength(60);
    expect(receiver.maxInFlight).toBe(1);

    // The next message hangs at the receiver; the server delivering it is then killed.
    hangOn = 61;
    await clients[0]!.send(room.id, { sender: 'x', content: 'in flight when its server dies' });
    await until(() => hung.has(61), 10_000, 'delivery of 61 in flight');
    const probe = createClient({ url: redis.url });
    await probe.connect();
    const token = await probe.get(`im:{${room.id}}:hook-lease:${hook.id}`);
    await probe.close();
    const pid = Number(token?.split('/')[1]);
    const holder = servers.find((s) => s.proc.pid === pid);
    expect(holder).toBeDefined();
    await holder!.kill9();
    const alive = servers.filter((s) => s !== holder).map((s) => new Client({ baseUrl: s.url }));
    await Promise.all(alive.map((c, i) => Promise.all(Array.from({ length: 10 }, (_, n) => c.send(room.id, { sender: `after${i}`, content: `n${n}` })))));
    await until(() => receiver.accepted.length >= 81, 30_000, 'the rest after the takeover');
    await new Promise((r) => setTimeout(r, 2500));
    expect(receiver.accepted.map((d) => d.body.data.seq)).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
    // 61 was attempted twice (the killed server's attempt never got its answer), every other message once.
    expect(receiver.attempts.filter((d) => d.body.data.seq === 61)).toHaveLength(2);
    expect(receiver.attempts).toHaveLength(82);
    expect(receiver.rejected).toEqual([]);
    const stored = await alive[0]!.listWebhooks(room.id);
    expect(stored).toMatchObject([{ id: hook.id, lastDeliveredSeq: 81, state: 'active' }]);
    for (const s of servers) if (s !== holder) await s.stop();
    await redis.stop();
  }, 90_000); // a guard against a hang, not a timing check: three server processes and a Redis start on a loaded machine (27 s alone here)
});
