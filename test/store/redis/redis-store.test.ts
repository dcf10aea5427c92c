// The Redis store's own ways beyond the contract (a real redis-server): room reads made in one turn share one read.
import { createClient } from 'redis';
import { afterEach, describe, expect, test } from 'vitest';
import { hasRedis, sharedRedis } from '../../helpers/redis-server.js';
import { openStoreOf } from '../../helpers/stores.js';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.skipIf(!hasRedis)('Redis store: room reads', () => {
  test('reads of one room made in one turn cost Redis one read; each caller gets its own copy; a later read sees a change', async () => {
    const store = await openStoreOf('redis');
    const raw = createClient({ url: (await sharedRedis()).url });
    await raw.connect();
    open.push({ close: () => raw.close() });
    const room = await store.createRoom({ name: 'read often' });
    const other = await store.createRoom({ name: 'other' });
    await store.updateRoom(room.id, { settings: { loopGuard: 5 } });
    await raw.configResetStat();
    const reads = await Promise.all([...Array.from({ length: 20 }, () => store.getRoom(room.id)), store.getRoom(other.id)]);
    const calls = /cmdstat_hgetall:calls=(\d+)/.exec(await raw.info('commandstats'))?.[1];
    expect(Number(calls)).toBe(2);
    expect(reads.slice(0, 20).every((r) => r?.name === 'read often' && r.settings?.loopGuard === 5)).toBe(true);
    expect(reads[20]?.name).toBe('other');
    reads[0]!.settings!.loopGuard = 99;
    expect(reads[1]!.settings!.loopGuard).toBe(5);
    await store.updateRoom(room.id, { name: 'renamed' });
    expect((await store.getRoom(room.id))?.name).toBe('renamed');
  });
});
