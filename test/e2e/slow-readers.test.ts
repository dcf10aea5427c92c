// Readers that stop reading (an SSE subscriber, an export) must not make a real server hold what it owes them.
import { readdir, readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Resident memory of a process in MB, from /proc. */
async function rssMb(pid: number): Promise<number> {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

/** Sends a GET on a raw socket and then never reads: the socket is paused, so the kernel buffers fill and stay full. */
function stalledGet(url: string, path: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
      // Read the status line, then stop reading for good.
      socket.once('data', () => {
        socket.pause();
        resolve(socket);
      });
    });
    socket.on('error', reject);
  });
}

// As many bytes as the 150,000 x 1 KB in fewer messages, so it runs in seconds; SLOW_READERS_FULL=1 sends
// the exact figure.
const [MESSAGES, SIZE] = process.env.SLOW_READERS_FULL ? [150_000, 1000] : [40_000, 4000];
const CONTENT = 'x'.repeat(SIZE);
const HEAP_MB = 96;

/** `total` messages, about 500 KB per batch, four batches in flight. */
async function sendMany(client: Client, roomId: string, total: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const n = Math.min(Math.floor(500_000 / SIZE), total - next);
      next += n;
      await client.sendBatch(roomId, Array.from({ length: n }, () => ({ sender: 'writer', content: CONTENT })));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}


/** Resumes a stalled SSE socket and resolves once it has read `count` events, with the seqs it saw out of order. */
function readIds(socket: Socket, count: number): Promise<{ seen: number; outOfOrder: number }> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let outOfOrder = 0;
    let tail = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const text = tail + chunk;
      const cut = text.lastIndexOf('\n');
      for (const m of text.slice(0, cut + 1).matchAll(/^id: (\d+)$/gm)) if (Number(m[1]) !== ++seen) outOfOrder++;
      tail = text.slice(cut + 1);
      if (seen >= count) resolve({ seen, outOfOrder });
    });
    socket.on('close', () => reject(new Error(`the stream closed after ${seen} events`)));
    socket.resume();
  });
}

const openFiles = async (pid: number) => (await readdir(`/proc/${pid}/fd`)).length;

describe('slow readers', () => {
  test(`a subscriber and an export that never read cost a bounded amount over ${MESSAGES} x ${SIZE / 1000} KB, and lose nothing`, async () => {
    // A heap capped well below the 160 MB sent: the server collects its garbage as it goes (so RSS measures what it
    // holds, not what it has not yet collected), and a server that held the messages for the stalled reader would die.
    const server = await startServer(await tempDir(), [], { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` });
    const pid = server.proc.pid!;
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('stalled');
    const files = await openFiles(pid);
    const stalled = await stalledGet(server.url, `/agent/rooms/${roomId}/stream`);
    const before = await rssMb(pid);
    const t0 = Date.now();
    await sendMany(client, roomId, MESSAGES);
    const sent = await rssMb(pid);
    const t1 = Date.now();
    // An export of the whole room (about 170 MB of JSON Lines) to a reader that never reads.
    const exporting = await stalledGet(server.url, `/agent/rooms/${roomId}/export`);
    await new Promise((r) => setTimeout(r, 2000));
    const exported = await rssMb(pid);
    exporting.destroy();
    // The stalled subscriber starts reading again: every message arrives, once, in order, read from the store.
    const { seen, outOfOrder } = await readIds(stalled, MESSAGES);
    const t2 = Date.now();
    stalled.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const after = await rssMb(pid);
    console.log(`slow readers: RSS ${before} MB with the stalled subscriber, ${sent} MB after ${MESSAGES} x ${SIZE} B, ${exported} MB with a stalled export too, ${after} MB after both hung up (sending took ${t1 - t0} ms, reading it all back ${t2 - t1} ms)`);
    // The queue this guards against (every message held for the stalled subscriber) cost +390 MB; with the capped heap
    // the sends leave about +60 MB (without the cap, uncollected garbage read up to +152 MB right after them).
    expect(sent - before).toBeLessThan(150);
    expect(exported - before).toBeLessThan(150);
    expect({ seen, outOfOrder }).toEqual({ seen: MESSAGES, outOfOrder: 0 });
    // Both hang-ups released their sockets.
    expect(await openFiles(pid)).toBeLessThanOrEqual(files);
  }, 180_000);
});
