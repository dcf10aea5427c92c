// `tsx test/bench/profile-send.ts [DIR]`: CPU profiles of the server under single sends, at 1, 10 and 100 connections,
// with auth off, a room key and an agent key (and, with --auth=ceiling or hono, the reference servers); writes
// DIR/<auth>-<connections>.cpuprofile and prints a summary of each. --store=redis: the server on the Redis store, on a
// redis-server of the bench's own (as `npm run bench` runs it), its name prefixed with redis-.
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, MESSAGE } from './load.js';
import { report } from './profile-summary.js';
import { startReference } from './processes.js';
import { startRedis } from './peers.js';
import { SEND_AUTHS, startSendTarget, type SendTarget } from './send-targets.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(tmpdir(), 'im-send-profiles');
const connections = (arg('connections') ?? '1,10,100').split(',').map(Number);
const auths: string[] = arg('auth')?.split(',') ?? [...SEND_AUTHS];
const amount = Number(arg('amount') ?? 30_000);
const rows = Number(arg('rows') ?? 25);
const redis = arg('store') === 'redis' ? await startRedis() : undefined;

await mkdir(out, { recursive: true });
const dataDir = await mkdtemp(join(tmpdir(), 'im-profile-'));
try {
  for (const auth of [...SEND_AUTHS, 'hono', 'ceiling'].filter((a) => auths.includes(a))) {
    for (const c of connections) {
      const profDir = join(dataDir, 'prof');
      await rm(profDir, { recursive: true, force: true });
      const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
      const target: Omit<SendTarget, 'auth'> =
        auth === 'ceiling' || auth === 'hono'
          ? await startReference(auth === 'hono' ? 'hono-floor-server.ts' : 'ceiling-server.ts', nodeArgs).then((proc) => ({ proc, url: proc.url, headers: {} }))
          : await startSendTarget(auth as SendTarget['auth'], join(dataDir, `${c}`), nodeArgs, undefined, redis ? ['--store', redis.url!] : []);
      await load(target.url, MESSAGE, c, { amount: Math.round(amount / 3) }, undefined, target.headers); // warm up: compile the hot path
      const r = await load(target.url, MESSAGE, c, { amount }, target.proc.child.pid, target.headers);
      await target.proc.stop();
      const [file] = await readdir(profDir);
      const dest = join(out, `${redis ? 'redis-' : ''}${auth.replace(' ', '-')}-${c}.cpuprofile`);
      await rename(join(profDir, file!), dest);
      process.stdout.write(`== ${auth}, ${c} connections: ${r.rps} req/s, ${r.cpuUs} µs CPU/send (profiling on), ${r.errors} errors\n`);
      process.stdout.write(`${report(JSON.parse(await readFile(dest, 'utf8')), rows, amount + Math.round(amount / 3))}\n\n`);
    }
  }
} finally {
  await redis?.proc.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
