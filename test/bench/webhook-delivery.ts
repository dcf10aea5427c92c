// Webhook delivery figures: throughput of one hook, and latency from send to receipt, to a local receiver.
// Run: npx tsx test/bench/webhook-delivery.ts [messages]
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { FileStore } from '../../src/store/file/file-store.js';
import { Webhooks } from '../../src/webhooks/webhooks.js';

const total = Number(process.argv[2] ?? 2000);
const dir = await mkdtemp(join(tmpdir(), 'im-hook-bench-'));
const store = new FileStore({ dir, warn: () => {} });
await store.open();
const webhooks = new Webhooks({ store, dataDir: dir, allowPrivate: true, log: (m) => process.stderr.write(`${m}\n`) });
await webhooks.open();

let verifier: Webhook | undefined;
const arrived = new Map<number, number>();
let onArrive: () => void = () => {};
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = verifier!.verify(Buffer.concat(chunks).toString(), req.headers as Record<string, string>) as { data: { seq: number } };
    arrived.set(body.data.seq, performance.now());
    res.writeHead(204).end();
    onArrive();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const room = await store.createRoom({ name: 'bench' });
const hook = await webhooks.add(room, { url });
verifier = new Webhook(hook.secret);
const until = (n: number) => new Promise<void>((resolve) => (onArrive = () => arrived.size >= n && resolve()));

// Throughput: a backlog of `total` messages, delivered one at a time in order.
const inputs = Array.from({ length: total }, (_, i) => ({ sender: 'bench', content: `message ${i}` }));
const t0 = performance.now();
const done = until(total);
for (let i = 0; i < total; i += 1000) await store.append(room.id, inputs.slice(i, i + 1000));
await done;
const seconds = (performance.now() - t0) / 1000;
console.log(`throughput: ${total} messages delivered in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} deliveries/s (one hook, cursor stored after each)`);

// Latency: one message at a time, from the append call to the receipt.
const samples: number[] = [];
for (let i = 0; i < 200; i++) {
  const next = until(arrived.size + 1);
  const sentAt = performance.now();
  const [m] = await store.append(room.id, [{ sender: 'bench', content: `latency ${i}` }]);
  await next;
  samples.push(arrived.get(m!.seq)! - sentAt);
}
samples.sort((a, b) => a - b);
const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!.toFixed(2);
console.log(`latency over ${samples.length} single sends: p50 ${pct(50)} ms, p99 ${pct(99)} ms`);

await webhooks.close();
await store.close();
server.close();
await rm(dir, { recursive: true, force: true });
