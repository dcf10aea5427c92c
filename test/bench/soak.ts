// `npm run soak`: mixed send, history, SSE and long-poll load for a bounded time, with a subscriber and an export
// that never read and a writer of large messages; samples memory and open files.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { Agent, get, request } from 'node:http';
import { connect, type Socket } from 'node:net';
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
/** Characters per message of the large-message writer, which posts one every LARGE_EVERY_MS to the stalled room. */
const LARGE_CHARS = 200_000;
const LARGE_EVERY_MS = 100;

const dir = await mkdtemp(join(tmpdir(), 'im-soak-'));
const server = await startOurs(dir);
const pid = server.child.pid!;
const agent = new Agent({ keepAlive: true, maxSockets: 200 });
const end = Date.now() + MINUTES * 60_000;
const counts = { sends: 0, largeSends: 0, reads: 0, sseEvents: 0, sseReconnects: 0, polls: 0, errors: 0 };

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

/** A GET on a raw socket that reads the first bytes of the answer and then never reads again. */
function stalledGet(path: string): Promise<Socket> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`));
    socket.once('data', () => (socket.pause(), resolve(socket)));
    socket.on('error', reject);
  });
}
// The first room gets a subscriber and an export that never read, and all the large messages on top of its share
// of the others: everything the server owes them must stay in the store, not in memory.
const stalledRoom = rooms[0]!;
const stalled = [await stalledGet(`/agent/rooms/${stalledRoom}/stream?after=0`)];
// The export starts once the room is far larger than the socket buffers, so it cannot simply finish.
setTimeout(async () => stalled.push(await stalledGet(`/agent/rooms/${stalledRoom}/export`)), Math.min(30_000, (end - Date.now()) / 4));
const large = JSON.stringify({ sender: 'large-writer', content: 'L'.repeat(LARGE_CHARS) });
const largeWriter = (async () => {
  while (Date.now() < end) {
    const r = await call('POST', `/agent/rooms/${stalledRoom}/messages`, large);
    if (r.status === 201) counts.largeSends++;
    else counts.errors++;
    await pause(LARGE_EVERY_MS);
  }
})();

/** The newest seq each sender saw per room: readers page anywhere up to it (past the newest seq is a 400). */
const newest = new Map<string, number>();
const senders = Array.from({ length: SENDERS }, async () => {
  while (Date.now() < end) {
    const room = pick();
    const r = await call('POST', `/agent/rooms/${room}/messages`, MESSAGE);
    if (r.status === 201) {
      counts.sends++;
      newest.set(room, Math.max(newest.get(room) ?? 0, (JSON.parse(r.text) as { seq: number }).seq));
    } else counts.errors++;
    await pause(Math.random() * 4);
  }
});
const readers = Array.from({ length: READERS }, async () => {
  while (Date.now() < end) {
    const room = pick();
    const r = await call('GET', `/agent/rooms/${room}/history?after=${Math.floor(Math.random() * Math.min(1000, newest.get(room) ?? 0))}&limit=50`);
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
  largeSends: number;
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

await Promise.all([...senders, ...readers, ...pollers, ...subscribers, largeWriter]);
const owed = (JSON.parse((await call('GET', `/agent/rooms/${stalledRoom}`)).text) as { lastSeq: number }).lastSeq;
for (const s of stalled) s.destroy();
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
  clients: { senders: SENDERS, historyReaders: READERS, sseSubscribers: SSE, longPollers: POLLERS, rooms: ROOMS, stalledSubscribers: 1, stalledExports: 1, largeWriters: 1 },
  stalledRoom: { messages: owed, largeMessages: counts.largeSends, largeChars: LARGE_CHARS },
  totals: counts,
  rssMb: { firstHalfAvg: avg(firstHalf, 'rssMb'), secondHalfAvg: avg(secondHalf, 'rssMb'), max: Math.max(...samples.map((s) => s.rssMb)), afterLoad: after.rssMb },
  openFiles: { firstHalfAvg: avg(firstHalf, 'openFiles'), secondHalfAvg: avg(secondHalf, 'openFiles'), max: Math.max(...samples.map((s) => s.openFiles)), afterLoad: after.openFiles },
};
let md = `Soak: ${MINUTES} min, ${SENDERS} senders, ${READERS} history readers, ${SSE} SSE subscribers (reconnecting every 20-40 s), ${POLLERS} long-pollers over ${ROOMS} rooms; in one of them a subscriber and an export that never read, and a writer of ${LARGE_CHARS.toLocaleString('en')}-character messages\n\n`;
md += '| minute | RSS MB | open files | sends | large sends | history reads | SSE events | long-polls | errors |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';
for (const s of samples) md += `| ${s.minute} | ${s.rssMb} | ${s.openFiles} | ${s.sends} | ${s.largeSends} | ${s.reads} | ${s.sseEvents} | ${s.polls} | ${s.errors} |\n`;
md += `\nThe stalled subscriber and export were owed ${owed.toLocaleString('en')} messages (${counts.largeSends.toLocaleString('en')} of them ${LARGE_CHARS.toLocaleString('en')} characters long) when they hung up.\n`;
md += `After the load stopped: RSS ${after.rssMb} MB, ${after.openFiles} open files.\n`;
process.stdout.write(md);
await mkdir(join(ROOT, 'test/bench/results'), { recursive: true });
// Only the full soak writes a tracked file (the one the docs quote); a shorter one is a local check, ignored by git.
await writeFile(join(ROOT, 'test/bench/results', MINUTES >= 10 ? 'soak.json' : 'soak-short.json'), JSON.stringify({ summary, samples }, null, 2) + '\n');
process.exit(0);
