// Sizing figures for the Redis store (docs/storage-and-scaling.md, "Sizing a deployment"): Redis memory per room and
// per message, measured with MEMORY USAGE and INFO memory on a private redis-server fed through a real server.
// Run: npx tsup && npx tsx test/bench/redis-sizing.ts [ROOMS] [MESSAGES]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { Client } from '../../src/client/client.js';
import { MESSAGE } from './load.js';
import { freePort } from './peers.js';
import { startOurs, startProcess } from './processes.js';

const ROOMS = Number(process.argv[2] ?? 2000);
const MESSAGES = Number(process.argv[3] ?? 10_000);

const dir = await mkdtemp(join(tmpdir(), 'sizing-'));
const port = await freePort();
const redisProc = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], /(Ready to accept connections)/);
const url = `redis://127.0.0.1:${port}`;
const server = await startOurs(join(dir, 'data'), ['--store', url, '--max-rooms', String(ROOMS + 10)]);
const redis = createClient({ url });
await redis.connect();
const client = new Client({ baseUrl: server.url });
const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const usage = async (key: string) => Number((await redis.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0'])) ?? 0);

// Empty rooms: the room hash, its two key entries (write, read) and its place in the catalog.
const before = await used();
const ids: string[] = [];
for (let i = 0; i < ROOMS; i += 50) ids.push(...(await Promise.all(Array.from({ length: Math.min(50, ROOMS - i) }, (_, k) => client.createRoom(`room ${i + k}`)))).map((r) => r.roomId));
const perEmptyRoom = ((await used()) - before) / ROOMS;

// Rooms with one message each (the stream's first node), then one room of MESSAGES messages of the bench's message.
const before1 = await used();
for (let i = 0; i < ids.length; i += 50) await Promise.all(ids.slice(i, i + 50).map((id) => client.send(id, JSON.parse(MESSAGE) as never)));
const perFirstMessage = ((await used()) - before1) / ROOMS;
const big = ids[0]!;
const body = JSON.parse(MESSAGE) as Record<string, string>;
const sent = (await client.readAll(big)).length;
for (let i = sent; i < MESSAGES; i += 1000) await client.sendBatch(big, Array.from({ length: Math.min(1000, MESSAGES - i) }, () => body as never));
const [stored] = await client.readAll(big).then((ms) => [ms.length]);
const log = await usage(`im:{${big}}:log`);
const room = await usage(`im:{${big}}:room`);
const catalog = await usage('im:rooms');
const messageBytes = Buffer.byteLength(JSON.stringify((await client.readAll(big))[1]));

const rows = {
  rooms: ROOMS,
  'Redis bytes per empty room (INFO used_memory)': Math.round(perEmptyRoom),
  'Redis bytes per room for its first message': Math.round(perFirstMessage),
  'one message JSON bytes': messageBytes,
  [`room of ${stored} messages: log stream bytes (MEMORY USAGE)`]: log,
  'log bytes per message': Math.round(log / Math.max(1, stored!)),
  'room hash bytes (MEMORY USAGE)': room,
  [`catalog of ${ROOMS} rooms bytes (MEMORY USAGE)`]: catalog,
  'used_memory total MB': Math.round((await used()) / 1e5) / 10,
};
for (const [k, v] of Object.entries(rows)) process.stdout.write(`${k}: ${v}\n`);
await redis.close();
await server.stop();
await redisProc.stop();
await rm(dir, { recursive: true, force: true });
