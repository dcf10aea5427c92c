// `npm run soak`: mixed send, history, SSE and long-poll load for a bounded time; samples memory and open files.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { Agent, get, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MESSAGE } from './load.js';
import { ROOT, rssMb, startOurs } from './processes.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MINUTES = arg('minutes', 10);
const SAMPLE_MS = arg('sample-seconds', MINUTES >= 2 ? 30 : 5) * 1000;
const ROOMS = 20;
const SENDERS = 20;
const READERS = 10;
const SSE = 30;
const POLLERS = 20;

const dir = await mkdtemp(join(tmpdir(), 'im-soak-'));
const server = await startOurs(dir);
const pid = server.child.pid!;
const agent = new Agent({ keepAlive: true, maxSockets: 200 });
const end = Date.now() + MINUTES * 60_000;
const counts = { sends: 0, reads: 0, sseEvents: 0, sseReconnects: 0, polls: 0, errors: 0 };

function call(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(`${server.url}${path}`, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: 0, text: '' }));
    });
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

const rooms: string[] = [];
for (let i = 0; i < ROOMS; i++) rooms.push((JSON.parse((await call('POST', '/agent/rooms', JSON.stringify({ name: `soak-${i}` }))).text) as { roomId: string }).roomId);
const pick = () => rooms[Math.floor(Math.random() * rooms.length)]!;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const senders = Array.from({ length: SENDERS }, async () => {
  while (Date.now() < end) {
    const r = await call('POST', `/agent/rooms/${pick()}/messages`, MESSAGE);
    if (r.status === 201) counts.sends++;
    else counts.errors++;
    await pause(Math.random() * 4);
  }
});
const readers = Array.from({ length: READERS }, async () => {
  while (Date.now() < end) {
    const r = await call('GET', `/agent/rooms/${pick()}/history?after=${Math.floor(Math.random() * 1000)}&limit=50`);
    if (r.status === 200) counts.reads++;
    else counts.errors++;
    await pause(5);
  }
});
const pollers = Array.from({ length: POLLERS }, async () => {
  const room = pick();
  let after = 0;
  while (Date.now() < end) {
    const r = await call('GET', `/agent/rooms/${room}/history?after=${after}&wait=5&limit=100`);
    if (r.status !== 200) {
      counts.errors++;
      continue;
    }
    counts.polls++;
    after = (JSON.parse(r.text) as { messages: { seq: number }[] }).messages.at(-1)?.seq ?? after;
  }
});
/** Each subscriber drops its connection every 20-40 s and resumes with Last-Event-ID, to churn sockets. */
const subscribers = Array.from({ length: SSE }, async () => {
  const room = pick();
  let last = 0;
  while (Date.now() < end) {
    await new Promise<void>((resolve) => {
      const req = get(`${server.url}/agent/rooms/${room}/stream`, { headers: { 'last-event-id': String(last) } }, (res) => {
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (c: string) => {
          buf += c;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const id = /^id: (\d+)$/m.exec(buf.slice(0, i));
            if (id) (last = Number(id[1])), counts.sseEvents++;
            buf = buf.slice(i + 2);
          }
        });
        res.on('close', () => resolve());
      });
      let dropped = false;
      req.on('error', () => (dropped || counts.errors++, resolve()));
      // Our own hang-up (to churn the connection) is not an error.
      setTimeout(() => ((dropped = true), req.destroy()), Math.min(20_000 + Math.random() * 20_000, Math.max(0, end - Date.now())));
    });
    counts.sseReconnects++;
  }
});

interface Sample {
  minute: number;
  rssMb: number;
  openFiles: number;
  sends: number;
  reads: number;
  sseEvents: number;
  polls: number;
  errors: number;
}
const samples: Sample[] = [];
const t0 = Date.now();
const sampler = setInterval(async () => {
  const s = {
    minute: Math.round((Date.now() - t0) / 600) / 100,
    rssMb: await rssMb(pid),
    openFiles: (await readdir(`/proc/${pid}/fd`)).length,
    ...counts,
  };
  samples.push(s);
  console.error(JSON.stringify(s));
}, SAMPLE_MS);

await Promise.all([...senders, ...readers, ...pollers, ...subscribers]);
clearInterval(sampler);
agent.destroy();
await pause(1000);
const after = { rssMb: await rssMb(pid), openFiles: (await readdir(`/proc/${pid}/fd`)).length };
await server.stop();
await rm(dir, { recursive: true, force: true });

const firstHalf = samples.slice(1, Math.max(2, Math.floor(samples.length / 2)));
const secondHalf = samples.slice(Math.floor(samples.length / 2));
const avg = (xs: Sample[], k: 'rssMb' | 'openFiles') => Math.round((xs.reduce((a, s) => a + s[k], 0) / Math.max(1, xs.length)) * 10) / 10;
const summary = {
  minutes: MINUTES,
  clients: { senders: SENDERS, historyReaders: READERS, sseSubscribers: SSE, longPollers: POLLERS, rooms: ROOMS },
  totals: counts,
  rssMb: { firstHalfAvg: avg(firstHalf, 'rssMb'), secondHalfAvg: avg(secondHalf, 'rssMb'), max: Math.max(...samples.map((s) => s.rssMb)), afterLoad: after.rssMb },
  openFiles: { firstHalfAvg: avg(firstHalf, 'openFiles'), secondHalfAvg: avg(secondHalf, 'openFiles'), max: Math.max(...samples.map((s) => s.openFiles)), afterLoad: after.openFiles },
};
let md = `Soak: ${MINUTES} min, ${SENDERS} senders, ${READERS} history readers, ${SSE} SSE subscribers (reconnecting every 20-40 s), ${POLLERS} long-pollers over ${ROOMS} rooms\n\n`;
md += '| minute | RSS MB | open files | sends | history reads | SSE events | long-polls | errors |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n';
for (const s of samples) md += `| ${s.minute} | ${s.rssMb} | ${s.openFiles} | ${s.sends} | ${s.reads} | ${s.sseEvents} | ${s.polls} | ${s.errors} |\n`;
md += `\nAfter the load stopped: RSS ${after.rssMb} MB, ${after.openFiles} open files.\n`;
process.stdout.write(md);
await mkdir(join(ROOT, 'test/bench/results'), { recursive: true });
await writeFile(join(ROOT, 'test/bench/results', MINUTES >= 10 ? 'soak.json' : 'soak-short.json'), JSON.stringify({ summary, samples }, null, 2) + '\n');
process.exit(0);
