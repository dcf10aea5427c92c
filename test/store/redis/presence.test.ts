// Presence shared through a real Redis by several servers' views: one server's listener shows in another's, a
// server cut off from Redis stops counting once its heartbeat runs out (its times stay), forget and close clean up.
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { MAX_PRESENCE_NAMES, Presence } from '../../../src/server/presence.js';
import { RedisPresence } from '../../../src/store/redis/presence.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => {})));
});

let prefixes = 0;

/** `n` servers' presence on one Redis (a prefix of their own), and a plain connection to look at what they wrote. */
async function servers(n: number, aliveMs: number) {
  const redis = await sharedRedis();
  const prefix = `presence${++prefixes}:`;
  const raw = createClient({ url: redis.url });
  await raw.connect();
  open.push({ close: () => raw.quit() });
  // The rooms the tests use exist (a view is written only while its room does).
  for (const room of ['room1', 'room2', 'r', 'r2']) await raw.hSet(`${prefix}{${room}}:room`, 'name', room);
  const list = await Promise.all(
    Array.from({ length: n }, async () => {
      const link = createClient({ url: redis.url });
      await link.connect();
      const share = new RedisPresence({ redis: link, prefix, aliveMs, flushMs: 50 });
      await share.beat();
      open.push(share, { close: () => link.quit() });
      return { link, share, presence: new Presence(0, share), prefix, raw };
    }),
  );
  return list;
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
    const { raw, prefix } = a!;
    const release = b!.presence.listen('r', 'one');
    await until(a!.presence, 'r', (l) => entry(l, 'one')?.listening === true);
    // The room is deleted through a: its presence goes; b's listener ends after (its stream is told of the deletion).
    await raw.del(`${prefix}{r}:room`);
    a!.presence.forget('r');
    release(); // b was not told: its write finds the room gone
    await until(a!.presence, 'r', (l) => l.length === 0);
    await new Promise((r) => setTimeout(r, 200)); // b's release had its chance to be written
    expect(await raw.exists(`${prefix}{r}:presence`), 'a release after the deletion writes nothing back').toBe(0);
    b!.presence.seen('r2', 'late'); // pending, not yet written (flushMs)
    await b!.share.close();
    expect(await raw.keys(`${prefix}server-alive:*`)).toHaveLength(1); // only a's
    expect((await a!.presence.remote('r2')).map((e) => e.name)).toEqual(['late']);
  });

  test("what is not a server's view in the hash is skipped (and removed), not an error; past the cap a name's field goes", async () => {
    const [a, b] = await servers(2, 60_000);
    const { raw, prefix } = a!;
    const key = `${prefix}{r}:presence`;
    await raw.hSet(key, { 'no-bar': '{"listeners":1}', 'x|bad-json': 'not json', 'x|bad-shape': '{"listeners":"1"}', '|empty-server': '{"listeners":1}' });
    b!.presence.listen('r', 'real');
    const agents = await until(a!.presence, 'r', (l) => entry(l, 'real')?.listening === true);
    expect(agents.map((e) => e.name)).toEqual(['real']);
    await expect.poll(async () => (await raw.hKeys(key)).filter((f) => !f.endsWith('|real')), { timeout: 15_000 }).toEqual([]);

    // b keeps at most MAX_PRESENCE_NAMES names: the ones it forgets leave Redis too, so a's answer is as bounded.
    for (let i = 0; i < MAX_PRESENCE_NAMES + 20; i++) b!.presence.seen('r', `n${String(i).padStart(4, '0')}`);
    await until(a!.presence, 'r', (l) => entry(l, `n${MAX_PRESENCE_NAMES + 19}`) !== undefined);
    expect(await raw.hLen(key)).toBe(MAX_PRESENCE_NAMES);
    expect(a!.presence.list('r', new Map(), await a!.presence.remote('r'))).toHaveLength(MAX_PRESENCE_NAMES);
  });

  test("views are written by the script's digest: its text goes to Redis only when Redis does not hold it", async () => {
    const redis = await sharedRedis();
    const prefix = `presence${++prefixes}:`;
    const link = createClient({ url: redis.url });
    await link.connect();
    open.push({ close: () => link.quit() });
    await link.hSet(`${prefix}{r}:room`, 'name', 'r');
    await link.sendCommand(['SCRIPT', 'FLUSH']); // as after a Redis restart: no script is loaded
    const sent: string[] = [];
    const recording = { sendCommand: (args: string[]) => (sent.push(args[0]!), link.sendCommand(args)) };
    const share = new RedisPresence({ redis: recording, prefix, flushMs: 50 });
    open.push(share);
    for (const name of ['one', 'two']) {
      share.put('r', name, { listeners: 1 }, true);
      await expect.poll(async () => (await link.hKeys(`${prefix}{r}:presence`)).filter((f) => f.endsWith(`|${name}`))).toHaveLength(1);
    }
    // The first write is refused by digest (NOSCRIPT) and sent whole once; the second goes by digest alone.
    expect(sent.filter((command) => command.startsWith('EVAL'))).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
  });
});
