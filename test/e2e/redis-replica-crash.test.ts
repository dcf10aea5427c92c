// --redis-wait through real server processes on a Redis master and its replica: a send answers 503 in the one error
// shape while the replica does not confirm; and kill -9 of the master under load from two servers, then its replica
// promoted, loses no acknowledged message and leaves no gap (REDIS_CRASH_WAIT=0 shows the same test failing without it).
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { batchLoad, checkBatches } from '../helpers/batch-load.js';
import { until } from '../helpers/until.js';
import { hasRedis, replicasOnline, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Rounds of one master kill each (REDIS_CRASH_ROUNDS, as the Redis crash test; CI runs 1). */
const ROUNDS = Number(process.env.REDIS_CRASH_ROUNDS ?? 1);
/** REDIS_CRASH_WAIT=0 runs the servers without --redis-wait, to see what asynchronous replication loses. */
const WAIT = process.env.REDIS_CRASH_WAIT ?? '1';
const BATCH = 50;
const WRITERS = 3;

const serve = async (redis: RedisServer, wait = WAIT) => startServer(await tempDir(), ['--store', redis.url, '--redis-wait', wait]);

describe.skipIf(!hasRedis)('--redis-wait on a master and a replica, through the server', () => {
  test('a send answers 503 in the one error shape while the replica is stopped, saying what it means; it shows once the replica is back', async () => {
    const master = await startRedis();
    const replica = await startRedis({ replicaOf: master.port });
    await replicasOnline(master, 1);
    const server = await serve(master, '1');
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('wait');
    const send = (content: string) =>
      fetch(`${server.url}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sender: 'a', content }) });
    expect((await send('one')).status).toBe(201);
    replica.pause();
    try {
      const res = await send('two');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toMatch(/only 0 of the 1 replica\(s\) required \(--redis-wait 1\) confirmed it within 3000 ms/);
      expect(body.error.message).toMatch(/held back from readers.*a failover before then loses it.*send again only what is not there/);
      expect((await client.readAll(roomId)).map((m) => m.content)).toEqual(['one']);
    } finally {
      replica.resume();
    }
    await until(async () => (await client.readAll(roomId)).length === 2, 60_000, 'the held message to show');
    expect((await client.readAll(roomId)).map((m) => [m.seq, m.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect((await send('three')).status).toBe(201);
    expect(await server.stop()).toBe(0);
  }, 90_000);

  test(`${ROUNDS} round(s) of kill -9 of the master under batches of ${BATCH} from two servers with --redis-wait ${WAIT}, its replica promoted: every acknowledged message there once, seqs gapless`, async () => {
    let master = await startRedis();
    let replica = await startRedis({ replicaOf: master.port });
    await replicasOnline(master, 1);
    let servers: ServerProcess[] = [await serve(master), await serve(master)];
    const { roomId } = await new Client({ baseUrl: servers[0]!.url }).createRoom('failover');
    const acked = new Map<string, Message[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const load = batchLoad(() => servers.map((s) => s.url), roomId, BATCH, WRITERS, acked, `r${round} `);
      const seen = [...load.ackedBy];
      await until(() => load.ackedBy.every((n, s) => n >= seen[s]! + 5), 60_000, 'both servers to acknowledge batches');
      // The failover an operator (or Sentinel) makes, at its worst: the replica becomes the master while the old one
      // still takes sends, so it lacks whatever the old one wrote since, as a lagging replica would. Without the wait
      // those sends are acknowledged and lost; with it they answer 503 once the command timeout passes.
      expect(spawnSync('redis-cli', ['-p', String(replica.port), 'REPLICAOF', 'NO', 'ONE'], { encoding: 'utf8' }).stdout).toMatch(/OK/);
      const answered = load.ackedBy.map((n, s) => n + load.failedBy[s]!);
      await until(() => load.ackedBy.every((n, s) => n + load.failedBy[s]! >= answered[s]! + 2), 60_000, 'both servers to answer sends made after the promotion');
      await master.kill();
      const failed = [...load.failedBy];
      await until(() => load.failedBy.every((n, s) => n > failed[s]!), 60_000, 'both servers to fail sends');
      await load.stop();
      await Promise.all(servers.map((s) => s.kill9()));
      [master, replica] = [replica, await startRedis({ replicaOf: replica.port })];
      await replicasOnline(master, 1);
      // Read without --redis-wait: what the promoted replica holds, held back or not.
      const checker = await serve(master, '0');
      const { messages, batches } = checkBatches(await new Client({ baseUrl: checker.url }).readAll(roomId), acked, BATCH);
      await checker.stop();
      process.stderr.write(`replica failover round ${round + 1}: ${acked.size} batches acknowledged, ${batches} stored (${messages} messages)\n`);
      servers = [await serve(master), await serve(master)];
    }
    // Sends succeed on the new master, after every message the old one kept.
    const after = await new Client({ baseUrl: servers[0]!.url }).send(roomId, { sender: 'after', content: 'after.0' });
    expect(after.seq).toBe((await new Client({ baseUrl: servers[1]!.url }).readAll(roomId)).length);
    for (const s of servers) expect(await s.stop()).toBe(0);
  }, 120_000 + ROUNDS * 60_000);
});
