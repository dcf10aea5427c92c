// Presence shared through a real Redis by several servers' views: one server's listener shows in another's, a
// server cut off from Redis stops counting once its heartbeat runs out (its times stay), forget and close clean up.
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { Presence } from '../../src/server/presence.js';
import { RedisPresence } from '../../src/server/redis-presence.js';
import { hasRedis, sharedRedis } from '../helpers/redis-server.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => {})));
});

let prefixes = 0;

async function servers(n: number, aliveMs: number) {
  const redis = await sharedRedis();
  const prefix = `presence${++prefixes}:`;
  return Promise.all(
    Array.from({ length: n }, async () => {
      const link = createClient({ url: redis.url });
      await link.connect();
      const share = new RedisPresence({ redis: link, prefix, aliveMs, flushMs: 50 });
      await share.beat();
      open.push(share, { close: () => link.quit() });
      return { link, share, presence: new Presence(0, share), prefix };
    }),
  );
}

/** What `viewer` answers for the room, once `check` holds (polled: writes are on their way, never a duration). */
async function until(viewer: Presence, roomId: string, check: (agents: ReturnType<Presence['list']>) => boolean) {
  let last: ReturnType<Presence['list']> = [];
  for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    last = viewer.list(roomId, new Map(), await viewer.remote(roomId));
    if (check(last)) return last;
  }
  throw new Error(`presence never matched: ${JSON.stringify(last)}`);
}

const entry = (agents: ReturnType<Presence['list']>, name: string) => agents.find((a) => a.name === name);

describe.runIf(hasRedis)('presence shared through Redis', () => {
  test("a listener on one server listens on every server's answer, until it ends there", async () => {
    const [a, b, c] = await servers(3, 5000);
    const stop = b!.presence.listen('room1', 'watcher');
    for (const viewer of [a!, c!]) await until(viewer.presence, 'room1', (l) => entry(l, 'watcher')?.listening === true);
    // Two servers holding the name: it listens until both let go.
    const stopToo = c!.presence.listen('room1', 'watcher');
    stop();
    await until(b!.presence, 'room1', (l) => entry(l, 'watcher')?.listening === true && entry(l, 'watcher')?.lastSeenAt !== null);
    stopToo();
    for (const viewer of [a!, b!]) await until(viewer.presence, 'room1', (l) => entry(l, 'watcher')?.listening === false);
    // Another room is not touched.
    expect(a!.presence.list('room2', new Map(), await a!.presence.remote('room2'))).toEqual([]);
  });

  test('named requests and posts on one server set lastSeenAt and lastPostAt in the others, written within flushMs', async () => {
    const [a, b] = await servers(2, 5000);
    b!.presence.seen('r', 'ann');
    b!.presence.posted('r', 'ann');
    const [ann] = await until(a!.presence, 'r', (l) => entry(l, 'ann')?.lastPostAt !== undefined && entry(l, 'ann')?.lastPostAt !== null);
    expect(ann).toMatchObject({ name: 'ann', listening: false, lastSeenAt: expect.any(String), lastPostAt: expect.any(String) });
  });

  test('a server cut off from Redis stops counting its listeners once its heartbeat runs out; what it saw stays', async () => {
    const [a, b] = await servers(2, 400);
    b!.presence.listen('r', 'ghost');
    await until(a!.presence, 'r', (l) => entry(l, 'ghost')?.listening === true);
    // As if its process died: the connection is gone, nothing is said, the listener is never released.
    await b!.link.disconnect();
    const after = await until(a!.presence, 'r', (l) => entry(l, 'ghost')?.listening === false);
    expect(entry(after, 'ghost')?.lastSeenAt).toEqual(expect.any(String));
  });

  test('forget removes the room for every server; close writes what is pending and says the server is gone', async () => {
    const [a, b] = await servers(2, 60_000);
    const redis = await sharedRedis();
    const raw = createClient({ url: redis.url });
    await raw.connect();
    open.push({ close: () => raw.quit() });
    b!.presence.listen('r', 'one');
    await until(a!.presence, 'r', (l) => entry(l, 'one')?.listening === true);
    a!.presence.forget('r');
    await until(a!.presence, 'r', (l) => l.length === 0);
    b!.presence.seen('r2', 'late'); // pending, not yet written (flushMs)
    await b!.share.close();
    expect(await raw.keys(`${b!.prefix}server-alive:*`)).toHaveLength(1); // only a's
    expect((await a!.presence.remote('r2')).map((e) => e.name)).toEqual(['late']);
  });
});
