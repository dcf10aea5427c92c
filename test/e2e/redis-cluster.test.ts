// Two servers (the bin) on a local Redis Cluster of 3 masters: the rooms they create spread over every master, each
// server lists all of them, and a long-poll on one wakes for a send to the other (sharded pub/sub on the room's shard).
import { describe, expect, test } from 'vitest';
import type { History, Room } from '../../src/api/types.js';
import { hasRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.runIf(hasRedisCluster)('two servers on a Redis Cluster', () => {
  test('rooms spread over all masters; both servers list them all; long-polls wake across servers', async () => {
    const cluster = await startRedisCluster();
    // One server finds the cluster from one node, the other is given a seed list.
    const a = await startServer(await tempDir(), ['--store', cluster.url]);
    const b = await startServer(await tempDir(), ['--store', cluster.seeds]);

    // 30 rooms, so that a master holding none of them would be a 3 x (2/3)^30 chance, not a layout that works.
    const rooms = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await fetch(`${(i % 2 ? b : a).url}/agent/rooms`, json({ name: `r${i}` }));
        expect(res.status).toBe(201);
        return ((await res.json()) as { roomId: string }).roomId;
      }),
    );
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    const ownerOf = async (roomId: string) => {
      const slot = (await cluster.cli(0, 'cluster', 'keyslot', `im:{${roomId}}:room`)).trim();
      const counts = await Promise.all(masters.map(async (port) => Number(await cluster.cli(cluster.nodes.findIndex((n) => n.port === port), 'cluster', 'countkeysinslot', slot))));
      expect(counts.filter((n) => n > 0)).toHaveLength(1);
      return masters[counts.findIndex((n) => n > 0)]!;
    };
    const owners = await Promise.all(rooms.map(ownerOf));
    expect(new Set(owners).size).toBe(3);

    for (const server of [a, b]) {
      const listed = (await (await fetch(`${server.url}/agent/rooms?limit=100`)).json()) as { rooms: Room[] };
      expect(listed.rooms.map((r) => r.id).sort()).toEqual([...rooms].sort());
      const times = listed.rooms.map((r) => r.lastActivityAt);
      expect(times).toEqual([...times].sort().reverse());
    }

    // One room on each master; a long-poll on one server, the send on the other, both ways.
    const onEach = [...new Set(owners)].map((port) => rooms[owners.indexOf(port)]!);
    for (const [i, roomId] of onEach.entries()) {
      const [waiter, sender] = i % 2 ? [a, b] : [b, a];
      const poll = fetch(`${waiter.url}/agent/rooms/${roomId}/history?after=0&wait=30`);
      await new Promise((r) => setTimeout(r, 300)); // let the long-poll start waiting (if it has not, it reads the message at once)
      expect((await fetch(`${sender.url}/agent/rooms/${roomId}/messages`, json({ sender: 's', content: `wake ${i}` }))).status).toBe(201);
      expect(((await (await poll).json()) as History).messages.map((m) => m.content)).toEqual([`wake ${i}`]);
    }
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    await cluster.stop();
  }, 120_000); // a guard against a hang: six redis-servers start first, on a busy machine
});
