// kill -9 of a real server while it rewrites a room's log for a redaction: after each restart the log is whole (the
// old version or the new one), every acknowledged redaction is there and its text is on no file, nothing else moved.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HISTORY_MAX_LIMIT } from '../../src/api/limits.js';
import type { Message } from '../../src/api/types.js';
import { filesContaining } from '../helpers/grep-dir.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const COUNT = 200;
const PADDING = 'x'.repeat(30_000); // 6 MB of log, so each rewrite takes long enough to be killed in the middle
const secret = (i: number) => `SECRET-${String(i).padStart(4, '0')}-END`;

async function readAll(url: string, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const res = await fetch(`${url}/agent/rooms/${roomId}/history?after=${all.at(-1)?.seq ?? 0}&limit=${HISTORY_MAX_LIMIT}`);
    const { messages } = (await res.json()) as { messages: Message[] };
    if (messages.length === 0) return all;
    all.push(...messages);
  }
}

/** Redacts seqs from `next` on, one at a time, until the server dies; returns the acknowledged ones. */
async function redactUntilDead(url: string, roomId: string, next: number): Promise<number[]> {
  const acked: number[] = [];
  for (let seq = next; seq <= COUNT; seq++) {
    try {
      const res = await fetch(`${url}/agent/rooms/${roomId}/messages/${seq}`, { method: 'DELETE' });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      acked.push(seq);
    } catch {
      return acked;
    }
  }
  return acked;
}

describe('redaction across kill -9', () => {
  test('killed while the temp log is written, just after it is renamed, and at random: old or new log, never broken', async () => {
    const dir = await tempDir();
    let server: ServerProcess = await startServer(dir);
    const { roomId } = (await (await fetch(`${server.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"crash"}' })).json()) as { roomId: string };
    for (let b = 0; b < COUNT / 20; b++) {
      const batch = Array.from({ length: 20 }, (_, i) => ({ sender: 's', content: `${b * 20 + i + 1}:${secret(b * 20 + i + 1)}:${PADDING}` }));
      const res = await fetch(`${server.url}/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      expect(res.status).toBe(201);
    }
    const original = await readAll(server.url, roomId);
    const temp = join(dir, 'rooms', `${roomId}.jsonl.compact`);
    const redacted = new Set<number>();
    let next = 1;
    const seen = { midRewrite: 0 };
    for (const mode of ['temp file written', 'temp file renamed', 'random'] as const) {
      const redacting = redactUntilDead(server.url, roomId, next);
      const deadline = Date.now() + 60_000;
      if (mode === 'random') await new Promise((r) => setTimeout(r, 50 + Math.random() * 300));
      else {
        while (!existsSync(temp) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
        if (mode === 'temp file renamed') while (existsSync(temp) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      }
      if (existsSync(temp)) seen.midRewrite++;
      await server.kill9();
      const acked = await redacting;
      acked.forEach((s) => redacted.add(s));

      server = await startServer(dir);
      const now = await readAll(server.url, roomId);
      expect(now.map((m) => m.seq)).toEqual(original.map((m) => m.seq));
      expect(now.map((m) => m.id)).toEqual(original.map((m) => m.id));
      for (const m of now) {
        if (redacted.has(m.seq)) expect(m, `acknowledged redaction of ${m.seq}`).toMatchObject({ content: '[redacted]', redacted: true });
        else if (m.redacted) redacted.add(m.seq); // done but not acknowledged before the kill: allowed
        else expect(m.content, `message ${m.seq}`).toBe(original[m.seq - 1]!.content);
      }
      for (const s of acked) expect(await filesContaining(dir, secret(s)), `text of redacted ${s}`).toEqual([]);
      next = Math.max(0, ...redacted) + 1;
      console.log(`redaction kill (${mode}): ${acked.length} acknowledged, ${redacted.size} redacted in all; a rewrite was in progress: ${existsSync(temp) ? 'temp left' : 'no temp'}`);
    }
    await server.stop();
    expect(redacted.size).toBeGreaterThan(0);
    expect(next).toBeLessThan(COUNT); // each kill landed while redactions were still going
    // Every redacted text is gone from every file; the others are still there.
    expect(await filesContaining(dir, secret(COUNT))).toHaveLength(1);
    for (const s of redacted) expect(await filesContaining(dir, secret(s))).toEqual([]);
    console.log(`mid-rewrite kills: ${seen.midRewrite} of 3`);
  }, 300_000);
});
