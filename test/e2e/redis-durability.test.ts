// kill -9 of a real server on the Redis store, during concurrent sends and batches: after each restart every
// acknowledged message is there exactly once, in one gapless seq order (Redis itself keeps running). Then kill -9 of
// Redis itself under two servers, on the settings the store asks for (appendfsync always, aof-load-truncated no).
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { batchLoad, checkBatches } from '../helpers/batch-load.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

describe.skipIf(!hasRedis)('durability on the Redis store', () => {
  test('3 rounds of kill -9 during 600 concurrent sends (singles and batches of 3): none acknowledged lost, none twice', async () => {
    const redis = await startRedis();
    const dir = await tempDir();
    const start = () => startServer(dir, ['--store', redis.url]);
    let server: ServerProcess = await start();
    const { roomId } = await new Client({ baseUrl: server.url }).createRoom('crash');
    const acked: Message[] = [];
    for (let round = 0; round < 3; round++) {
      const url = server.url;
      const kill9 = server.kill9.bind(server);
      let killed: Promise<void> | undefined;
      const before = acked.length;
      await Promise.all(
        Array.from({ length: 600 }, async (_, i) => {
          const batch = i % 4 === 0;
          const one = (k: number) => ({ sender: 'load', content: `r${round} m${i}.${k}` });
          try {
            const res = await fetch(`${url}/agent/rooms/${roomId}/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(batch ? [one(0), one(1), one(2)] : one(0)),
            });
            if (res.status === 201) {
              const body = (await res.json()) as Message | { messages: Message[] };
              acked.push(...('messages' in body ? body.messages : [body]));
            }
            if (acked.length - before >= 200) killed ??= kill9();
          } catch {
            // the connection died with the server: not acknowledged
          }
        }),
      );
      await killed;
      expect(acked.length - before).toBeGreaterThanOrEqual(200);
      server = await start();
      const stored = await new Client({ baseUrl: server.url }).readAll(roomId);
      const ids = stored.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const m of acked) expect(byId.get(m.id)).toEqual(m);
      // A batch is all or none, in one contiguous range.
      const batches = new Map<string, number[]>();
      for (const m of stored) {
        const key = /^(r\d+ m\d+)\.\d$/.exec(m.content)?.[1];
        if (key) batches.set(key, [...(batches.get(key) ?? []), m.seq]);
      }
      for (const [key, seqs] of batches) {
        const batch = Number(key.split(' m')[1]) % 4 === 0;
        if (batch) expect(seqs.length === 3 && seqs[2]! - seqs[0]! === 2, `${key}: ${seqs.join(',')}`).toBe(true);
      }
    }
    expect(await server.stop()).toBe(0);
  }, 180_000);
});

/** Rounds of three Redis kills each (REDIS_CRASH_ROUNDS; the check is 5, CI runs 1 to keep the suite short). */
const ROUNDS = Number(process.env.REDIS_CRASH_ROUNDS ?? 1);
const KILLS = 3;
const BATCH = 200;
/** REDIS_CRASH_DURABLE=0 runs Redis with its own defaults (appendfsync everysec, aof-load-truncated yes), to see what
 *  they lose. */
const DURABLE = process.env.REDIS_CRASH_DURABLE !== '0';
/** Writers per server, each with one batch in flight at a time. */
const WRITERS = 3;

describe.skipIf(!hasRedis)('Redis crashes under two servers', () => {
  test(`${ROUNDS} round(s) of ${KILLS} kill -9 of Redis with batches of ${BATCH} in flight from two servers: every acknowledged batch there once and whole, no torn batch, seqs gapless`, async () => {
    const redis = await startRedis({ durable: DURABLE });
    const servers = [await startServer(await tempDir(), ['--store', redis.url]), await startServer(await tempDir(), ['--store', redis.url])];
    if (DURABLE) expect(servers[0]!.stderr()).not.toMatch(/appendfsync|aof-load-truncated|appendonly/); // the durable settings draw no warning
    const { roomId } = await new Client({ baseUrl: servers[0]!.url }).createRoom('redis-crash');
    const acked = new Map<string, Message[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const started = Date.now();
      const { ackedBy, stop } = batchLoad(() => servers.map((s) => s.url), roomId, BATCH, WRITERS, acked, `r${round} `);
      for (let kill = 0; kill < KILLS; kill++) {
        // Both servers have had batches acknowledged since the last restart, so both have more in flight now.
        const seen = [...ackedBy];
        await until(() => ackedBy.every((n, s) => n >= seen[s]! + 5), 60_000, 'both servers to acknowledge batches');
        await redis.kill();
        await redis.restart();
      }
      const seen = [...ackedBy];
      await until(() => ackedBy.every((n, s) => n > seen[s]!), 60_000, 'both servers to be back');
      await stop();
      const { messages, batches } = checkBatches(await new Client({ baseUrl: servers[1]!.url }).readAll(roomId), acked, BATCH);
      process.stderr.write(
        `redis crash round ${round + 1}: ${KILLS} kills, ${acked.size} batches acknowledged, ${batches} stored (${messages} messages), ${redis.repairs} AOF repairs so far, ${Date.now() - started} ms\n`,
      );
    }
    for (const server of servers) expect(await server.stop()).toBe(0);
  }, 120_000 + ROUNDS * 60_000);
});
