// kill -9 of a real server during large concurrent batches: after each restart every batch is whole or absent, and
// every acknowledged one is there. `npm test` runs a few kills; `npm run crash` runs 25 with larger batches.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HISTORY_MAX_LIMIT } from '../../src/api/limits.js';
import type { Message } from '../../src/api/types.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const KILLS = env('CRASH_KILLS', 3);
const CLIENTS = env('CRASH_CLIENTS', 3);
const BATCH = env('CRASH_BATCH', 100);
const MESSAGE_BYTES = env('CRASH_MESSAGE_BYTES', 30_000);
const MAX_BODY = 40_000_000;

interface Batch {
  id: string;
  acked?: Message[];
}

/** Each client posts batches until the server dies; a batch's messages say which batch they belong to. */
async function postUntilDead(url: string, roomId: string, client: number, batches: Batch[], onAck: () => void): Promise<void> {
  const padding = 'x'.repeat(MESSAGE_BYTES);
  for (let n = 0; ; n++) {
    const batch: Batch = { id: `c${client}b${n}` };
    batches.push(batch);
    const body = `[${Array.from({ length: BATCH }, (_, i) => JSON.stringify({ sender: batch.id, content: `${i}:${padding}` })).join(',')}]`;
    try {
      const res = await fetch(`${url}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status !== 201) throw new Error(`status ${res.status}: ${(await res.text()).slice(0, 200)}`);
      batch.acked = ((await res.json()) as { messages: Message[] }).messages;
      onAck();
    } catch {
      return; // the server died: this batch was not acknowledged
    }
  }
}

/** A GET, tried again once if the server closed an idle keep-alive connection just as it was reused (checking a
 *  page of 30 MB on a loaded machine can take longer than the server keeps a connection idle). */
async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url).catch(() => fetch(url));
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Every message of the room, read page by page as a client would. */
async function readAll(url: string, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { messages: page } = await getJson<{ messages: Message[] }>(`${url}/agent/rooms/${roomId}/history?after=${all.at(-1)?.seq ?? 0}&limit=${HISTORY_MAX_LIMIT}`);
    if (page.length === 0) return all;
    all.push(...page);
  }
}

/** Checks one round's room after the restart; returns how many batches it finds whole. */
async function checkRoom(url: string, roomId: string, batches: Batch[]): Promise<number> {
  const stored = await readAll(url, roomId);
  expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  const byBatch = new Map<string, Message[]>();
  for (const m of stored) byBatch.set(m.sender, [...(byBatch.get(m.sender) ?? []), m]);
  for (const [id, messages] of byBatch) {
    // Whole: all of its messages, in order, in one contiguous seq range.
    expect(messages.map((m) => Number(m.content.split(':')[0])), `batch ${id}`).toEqual(Array.from({ length: BATCH }, (_, i) => i));
    expect(messages.at(-1)!.seq - messages[0]!.seq, `batch ${id}`).toBe(BATCH - 1);
  }
  for (const b of batches) {
    if (b.acked) expect(byBatch.get(b.id)?.map((m) => m.id), `acknowledged batch ${b.id}`).toEqual(b.acked.map((m) => m.id));
  }
  return byBatch.size;
}

describe('batches across kill -9', () => {
  test(
    `${KILLS} kills during ${CLIENTS} clients' batches of ${BATCH} x ${MESSAGE_BYTES} bytes: each batch whole or absent, every acknowledged one kept`,
    async () => {
      const dir = await tempDir();
      const args = ['--max-body', String(MAX_BODY)];
      let server: ServerProcess = await startServer(dir, args);
      const rooms: { id: string; lastSeq: number }[] = [];
      const totals = { acked: 0, unackedWhole: 0, absent: 0, tornTails: 0 };
      for (let kill = 0; kill < KILLS; kill++) {
        const res = await fetch(`${server.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"crash"}' });
        const { roomId } = (await res.json()) as { roomId: string };
        const batches: Batch[] = [];
        const started = performance.now();
        let ackSeen!: () => void;
        const firstAck = new Promise<void>((r) => (ackSeen = r));
        const posting = Promise.all(Array.from({ length: CLIENTS }, (_, c) => postUntilDead(server.url, roomId, c, batches, ackSeen)));
        await firstAck;
        if (kill % 2 === 0) {
          // At a random point of the next cycle of batches being read, parsed, written and answered.
          await new Promise((r) => setTimeout(r, Math.random() * (performance.now() - started)));
        } else {
          // As soon as the log starts to grow: in the middle of a group commit's write, or between the log write
          // and the index entries that commit it.
          const log = join(dir, 'rooms', `${roomId}.jsonl`);
          const size = (await stat(log)).size;
          const deadline = Date.now() + 60_000;
          while ((await stat(log)).size === size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
        }
        await server.kill9();
        await posting;

        server = await startServer(dir, args);
        const torn = server.stderr().match(/dropped a torn tail/g)?.length ?? 0;
        const whole = await checkRoom(server.url, roomId, batches);
        const acked = batches.filter((b) => b.acked).length;
        totals.acked += acked;
        totals.unackedWhole += whole - acked;
        totals.absent += batches.length - whole;
        totals.tornTails += torn;
        // Earlier rounds' rooms are unchanged by later crashes.
        const listed = new Map((await getJson<{ rooms: { id: string; lastSeq: number }[] }>(`${server.url}/agent/rooms`)).rooms.map((r) => [r.id, r.lastSeq]));
        for (const r of rooms) expect(listed.get(r.id), `room of an earlier round`).toBe(r.lastSeq);
        rooms.push({ id: roomId, lastSeq: whole * BATCH });
        console.log(`kill ${kill + 1}/${KILLS}: ${batches.length} batches posted, ${acked} acknowledged, ${whole - acked} whole but unacknowledged, ${batches.length - whole} absent; torn tail dropped: ${torn ? 'yes' : 'no'}`);
      }
      await server.stop();
      expect((await readdir(join(dir, 'rooms'))).filter((f) => f.endsWith('.jsonl'))).toHaveLength(KILLS);
      expect(totals.acked).toBeGreaterThan(0);
      console.log(`batch crash totals over ${KILLS} kills: ${JSON.stringify(totals)}`);
    },
    KILLS * 240_000,
  );
});
