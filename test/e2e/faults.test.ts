// Faults on a real server process: kill -9 at random points under load (auth off and on), a torn log tail, a clean shutdown.
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { startServer } from '../helpers/server-process.js';
import { sendUntilDead } from '../helpers/send-until-dead.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Kill rounds per case: 6 and 4 in `npm test` (each is a server start and a full read-back), FAULT_ROUNDS each in
 *  `npm run crash` (25), which keeps the long run. */
const ROUNDS = process.env.FAULT_ROUNDS ? [Number(process.env.FAULT_ROUNDS), Number(process.env.FAULT_ROUNDS)] : [6, 4];

describe('faults', () => {
  // The same crash loop through the send path as deployed: auth off (loopback default) and on, with a room write key.
  const ADMIN = 'ima_faults-admin-token-0123456789';
  test.each([
    ['auth off', [] as string[], ROUNDS[0]!],
    ['auth on (room write key)', ['--token', ADMIN], ROUNDS[1]!],
  ])('kill -9 at random points under concurrent load, %s: every acknowledged message is there once, in order', async (_, args, rounds) => {
    const dir = await tempDir();
    let server = await startServer(dir, args);
    const admin = args.length ? ADMIN : undefined;
    const created = await new Client({ baseUrl: server.url, ...(admin && { key: admin }) }).createRoom('crash-loop');
    const { roomId } = created;
    const writeKey = admin ? created.keys.write : undefined;
    const acked = new Map<string, Message>();
    for (let round = 0; round < rounds; round++) {
      const sending = sendUntilDead(server.url, roomId, 32, `round-${round}`, writeKey);
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 200));
      await server.kill9();
      for (const m of await sending) acked.set(m.id, m);
      server = await startServer(dir, args);
      const stored = await new Client({ baseUrl: server.url, ...(writeKey && { key: writeKey }) }).readAll(roomId);
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
      const byId = new Map(stored.map((m) => [m.id, m]));
      const missing = [...acked.values()].filter((m) => JSON.stringify(byId.get(m.id)) !== JSON.stringify(m));
      expect(missing, `round ${round}`).toEqual([]);
    }
    // Enough acknowledged sends that the check means something (the rate depends on how busy the machine is).
    expect(acked.size).toBeGreaterThan(20);
  }, 120_000);

  test('a truncated log tail is repaired after the crash (in the background or at first use), with a warning', async () => {
    const dir = await tempDir();
    let server = await startServer(dir);
    let client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('torn');
    await client.sendBatch(roomId, [1, 2, 3].map((n) => ({ sender: 's', content: `m${n}` })));
    await server.kill9();
    await appendFile(join(dir, 'rooms', `${roomId}.jsonl`), '{"id":"half-writ');
    server = await startServer(dir);
    client = new Client({ baseUrl: server.url });
    expect((await client.send(roomId, { sender: 's', content: 'm4' })).seq).toBe(4);
    expect(server.stderr()).toMatch(/torn tail/);
    expect((await client.readAll(roomId)).map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  test('SIGTERM: in-flight writes finish, streams get a final event, long-polls are answered, exit 0', async () => {
    const dir = await tempDir();
    let server = await startServer(dir);
    let client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('shutdown');
    const stream = fetch(`${server.url}/agent/rooms/${roomId}/stream`).then((r) => r.text());
    // A long-poll on a quiet room, so only the shutdown answers it.
    const quiet = await client.createRoom('quiet');
    const poll = fetch(`${server.url}/agent/rooms/${quiet.roomId}/history?wait=60`);
    await new Promise((r) => setTimeout(r, 200));
    const sending = sendUntilDead(server.url, roomId, 16, 'load');
    await new Promise((r) => setTimeout(r, 150));
    expect(await server.stop()).toBe(0);
    const acked = await sending;
    expect(await stream).toContain('event: shutdown');
    expect((await poll).status).toBe(200);

    server = await startServer(dir);
    client = new Client({ baseUrl: server.url });
    const stored = new Map((await client.readAll(roomId)).map((m) => [m.id, m]));
    expect(acked.length).toBeGreaterThan(0);
    for (const m of acked) expect(stored.get(m.id)).toEqual(m);
  });
});
