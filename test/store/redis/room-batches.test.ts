// Group commit per room on Redis (a real redis-server): sends into one room while its script is on its way go together
// as the next script, each batch still contiguous and answered with exactly what was stored.
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { messageJson } from '../../../src/store/message-json.js';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';
import { openStoreOf } from '../../helpers/stores.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const texts = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ sender: 's', content: `m${from + i}` }));

describe.skipIf(!hasRedis)('Redis store: group commit per room', () => {
  test('60 sends at once into one room cost two scripts: every seq once, each batch contiguous, answers as stored', async () => {
    const store = await openStoreOf('redis');
    const raw = createClient({ url: (await sharedRedis()).url });
    await raw.connect();
    open.push({ close: () => raw.close() });
    const { id } = await store.createRoom({ name: 'busy' });
    const other = await store.createRoom({ name: 'other' });
    await store.append(id, texts(1, 0)); // loads the script, so the count below has no NOSCRIPT retry in it
    await raw.configResetStat();
    // The first goes at once; the rest arrive while it is on its way, so they wait and go together.
    const answers = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => store.append(id, texts(1, i + 1))),
      ...Array.from({ length: 10 }, (_, i) => store.append(id, texts(5, 100 + i * 5))),
      store.append(other.id, texts(2, 0)), // another room's send is not held back by this room's
    ]);
    const scripts = /cmdstat_evalsha:calls=(\d+)/.exec(await raw.info('commandstats'))?.[1];
    expect(Number(scripts)).toBe(3);
    const mine = answers.slice(0, 60);
    for (const batch of mine) expect(batch.map((m) => m.seq)).toEqual(batch.map((_, i) => batch[0]!.seq + i));
    expect(mine.flatMap((b) => b.map((m) => m.seq)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    const stored = await store.read(id, { after: 1, limit: 1000 });
    expect(stored.map(messageJson)).toEqual(mine.flat().sort((a, b) => a.seq - b.seq).map(messageJson));
    expect(answers[60]!.map((m) => m.seq)).toEqual([1, 2]);
  });

  test('a group that fails fails every send in it, and the room serves the next ones', async () => {
    const store = await openStoreOf('redis');
    const { id } = await store.createRoom({ name: 'gone' });
    const kept = await store.createRoom({ name: 'kept' });
    await store.deleteRoom(id);
    // The first goes alone, the other four wait and go as one group: each of them hears the group's failure.
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.append(id, texts(1, i))));
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'room_not_found' } });
    expect(await store.append(kept.id, texts(1, 0))).toMatchObject([{ seq: 1 }]);
  });

  test('appendUnless: one script and no room read per send; refused, storing nothing, where the room sets a named setting or is gone', async () => {
    const store = await openStoreOf('redis');
    const raw = createClient({ url: (await sharedRedis()).url });
    await raw.connect();
    open.push({ close: () => raw.close() });
    const { id } = await store.createRoom({ name: 'plain' });
    await store.append(id, texts(1, 0)); // loads the script
    await raw.configResetStat();
    expect((await store.appendUnless!(id, texts(2, 1), ['loopGuard', 'agentKeysOnly']))!.map((m) => m.seq)).toEqual([2, 3]);
    const calls = (await raw.info('commandstats')).split('\n').filter((l) => l.startsWith('cmdstat_') && !l.includes('config|resetstat')).map((l) => l.slice(8, l.indexOf(':')));
    // The room's existence and settings are read by the script (HEXISTS), the catalog moves with it (ZADD).
    expect(calls.sort()).toEqual(['evalsha', 'exists', 'hexists', 'hincrby', 'hset', 'publish', 'xadd', 'zadd']);
    await store.updateRoom(id, { settings: { agentKeysOnly: true } });
    // In one group: the send that names agentKeysOnly is refused, the ones beside it are stored, contiguous.
    const [first, refused, beside, plain] = await Promise.all([
      store.appendUnless!(id, texts(1, 3), ['loopGuard']),
      store.appendUnless!(id, texts(2, 4), ['loopGuard', 'agentKeysOnly']),
      store.appendUnless!(id, texts(2, 6), ['loopGuard']),
      store.append(id, texts(1, 8)),
    ]);
    expect(refused).toBeUndefined();
    expect([first, beside, plain].map((b) => b!.map((m) => [m.seq, m.content]))).toEqual([[[4, 'm3']], [[5, 'm6'], [6, 'm7']], [[7, 'm8']]]);
    expect((await store.read(id, { after: 3, limit: 10 })).map((m) => m.content)).toEqual(['m3', 'm6', 'm7', 'm8']);
    expect(await store.getRoom(id)).toMatchObject({ lastSeq: 7, messageCount: 7 });
    await store.deleteRoom(id);
    expect(await store.appendUnless!(id, texts(1, 9), [])).toBeUndefined();
  });
});
