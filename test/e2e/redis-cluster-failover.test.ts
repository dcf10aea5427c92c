// Failover on a local Redis Cluster: kill -9 of the master that holds a room's slot under batches from two servers
// with --redis-wait 1; its replica is promoted; sends to its rooms answer 503 for the window (until the promoted master
// has a replica again: the killed node, restarted) and then succeed; an SSE
// stream and a long-poll on the other server recover by themselves; every acknowledged message is there once, seqs
// gapless.
import { afterEach, describe, expect, test } from 'vitest';
import type { History, Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { batchLoad, checkBatches } from '../helpers/batch-load.js';
import { hasRedisCluster, startRedisCluster, type RedisCluster } from '../helpers/redis-cluster.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { resumingSubscriber } from '../helpers/sse-messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/** Rounds of one master kill each (REDIS_CRASH_ROUNDS, as the other crash tests; CI runs 1). */
const ROUNDS = Number(process.env.REDIS_CRASH_ROUNDS ?? 1);
const BATCH = 20;
const WRITERS = 2;

const aborts: AbortController[] = [];
let cluster: RedisCluster | undefined;
let servers: ServerProcess[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await cluster?.stop();
});

describe.skipIf(!hasRedisCluster)('failover on a Redis Cluster', () => {
  test(`${ROUNDS} round(s) of kill -9 of a room's master under batches of ${BATCH} from two servers with --redis-wait 1: 503s in the window then 201s, streams and long-polls recover, every acknowledged message once, seqs gapless`, async () => {
    cluster = await startRedisCluster({ nodeTimeoutMs: 1500 });
    const c = cluster;
    servers = [await startServer(await tempDir(), ['--store', c.seeds, '--redis-wait', '1']), await startServer(await tempDir(), ['--store', c.seeds, '--redis-wait', '1'])];
    const [a, b] = servers.map((s) => new Client({ baseUrl: s.url })) as [Client, Client];
    const acked = new Map<string, Message[]>();
    const { roomId } = await a.createRoom('failover');
    const subscriber = resumingSubscriber(servers[1]!.url, roomId, aborts);
    for (let round = 0; round < ROUNDS; round++) {
      const { master } = await c.holders(`im:{${roomId}}:room`);
      // A quiet room on the same master, long-polled on the other server through the failover.
      let quiet = await a.createRoom('quiet');
      while ((await c.holders(`im:{${quiet.roomId}}:room`)).master !== master) quiet = await a.createRoom('quiet');
      const poll = fetch(`${servers[1]!.url}/agent/rooms/${quiet.roomId}/history?after=0&wait=60`);

      const load = batchLoad(() => servers.map((s) => s.url), roomId, BATCH, WRITERS, acked, `r${round} `);
      const seen = [...load.ackedBy];
      await until(() => load.ackedBy.every((n, s) => n >= seen[s]! + 5), 60_000, 'both servers to acknowledge batches');
      await c.kill(master);
      const failed = [...load.failedBy];
      await until(() => load.failedBy.every((n, s) => n > failed[s]!), 60_000, 'both servers to answer 503 in the failover window');
      // The replica takes over after cluster-node-timeout; with --redis-wait 1 sends still answer 503 until the new
      // master has a replica of its own: the killed node, restarted (as a supervisor would), rejoins as one.
      const promoted = () => c.holders(`im:{${roomId}}:room`).then((h) => h.master !== master, () => false); // no master while it fails over
      await until(promoted, 60_000, 'the replica to be promoted');
      await c.restart(master);
      const acks = [...load.ackedBy];
      await until(() => load.ackedBy.every((n, s) => n >= acks[s]! + 5), 60_000, 'both servers to acknowledge batches on the promoted replica');
      await load.stop();

      await a.send(quiet.roomId, { sender: 'q', content: 'after the failover' });
      const polled = await poll;
      expect(polled.status).toBe(200);
      expect(((await polled.json()) as History).messages.map((m) => m.content)).toEqual(['after the failover']);

      const { messages, batches } = checkBatches(await b.readAll(roomId), acked, BATCH);
      process.stderr.write(`cluster failover round ${round + 1}: ${acked.size} batches acknowledged, ${batches} stored (${messages} messages)\n`);
      await c.waitOk(60_000);
    }
    const last = await a.send(roomId, { sender: 'after', content: 'after.0' });
    expect(last.seq).toBe((await b.readAll(roomId)).length);
    await until(() => subscriber.seen.at(-1) === last.seq, 60_000, 'the stream on the other server to reach the last message');
    expect(subscriber.seen).toEqual(Array.from({ length: last.seq }, (_, i) => i + 1));
  }, 120_000 + ROUNDS * 90_000);
});
