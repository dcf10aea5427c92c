// kill -9 of a real server on the Redis store, during concurrent sends and batches: after each restart every
// acknowledged message is there exactly once, in one gapless seq order (Redis itself keeps running).
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

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
