// `tsx test/bench/ab-send.ts --baseline=DIR [--auth=auth off] [--connections=1,10,100] [--turns=7] [--sends=5000]`:
// this build's single send against another built checkout's, alternating turns (which goes first flips each turn);
// prints, per connection count, the median over turns of this build's server CPU per send over the baseline's.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, MESSAGE } from './load.js';
import { startSendTarget, type SendAuth } from './send-targets.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const baseline = arg('baseline');
if (!baseline) throw new Error('--baseline=DIR: a built checkout to compare with');
const auth = (arg('auth') ?? 'auth off') as SendAuth;
const connections = (arg('connections') ?? '1,10,100').split(',').map(Number);
const turns = Number(arg('turns') ?? 7);
const sends = Number(arg('sends') ?? 5000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = await mkdtemp(join(tmpdir(), 'im-ab-'));
try {
  const targets = [await startSendTarget(auth, join(dir, 'this')), await startSendTarget(auth, join(dir, 'base'), [], baseline)];
  for (const t of targets) await load(t.url, MESSAGE, 10, { amount: sends }, undefined, t.headers); // compile the hot path
  for (const c of connections) {
    const cpu: [number[], number[]] = [[], []];
    const ratios: number[] = [];
    for (let i = 0; i < turns; i++) {
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      const got: number[] = [];
      for (const at of order) {
        const t = targets[at]!;
        got[at] = (await load(t.url, MESSAGE, c, { amount: sends }, t.proc.child.pid, t.headers)).cpuUs ?? NaN;
        cpu[at as 0 | 1].push(got[at]!);
      }
      ratios.push(got[0]! / got[1]!);
    }
    process.stdout.write(`${auth}, ${c} connections: server CPU µs/send ${median(cpu[0])} (this) against ${median(cpu[1])} (baseline); this/baseline per turn, median ${median(ratios).toFixed(2)} [${ratios.map((r) => r.toFixed(2)).join(' ')}]\n`);
  }
  await Promise.all(targets.map((t) => t.proc.stop()));
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
