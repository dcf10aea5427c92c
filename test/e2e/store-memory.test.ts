// A real server's memory stays bounded by the in-memory windows' byte caps when rooms fill with large legal messages.
// `npm test` sends 128 messages a room and expects under 480 MB; `npm run memory` sends the full 512 and expects under
// 600 MB. Without the byte caps every message stays in memory (up to 512 a room): 96 a room already peaked at 496 MB
// here, against 354 MB with the caps.
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOMS = 6;
const MESSAGES = Number(process.env.MEMORY_MESSAGES ?? 128);
const LIMIT_MB = MESSAGES >= 512 ? 600 : 480;
const CHARS = 250_000;
const PER_BATCH = 4; // 4 x 250,000 characters fit the default 1 MiB body

/** The process's peak resident memory so far, in MB (VmHWM). */
async function peakRssMb(pid: number): Promise<number> {
  const kb = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

describe('memory of the in-memory windows', () => {
  test(`${ROOMS} rooms x ${MESSAGES} messages of ${CHARS} characters: peak RSS under ${LIMIT_MB} MB, old messages read from disk`, async () => {
    const server = await startServer(await tempDir());
    const post = (path: string, body: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const rooms: string[] = [];
    for (let r = 0; r < ROOMS; r++) rooms.push(((await (await post('/agent/rooms', `{"name":"big${r}"}`)).json()) as { roomId: string }).roomId);

    await Promise.all(
      rooms.map(async (roomId, r) => {
        for (let b = 0; b < MESSAGES / PER_BATCH; b++) {
          const batch = Array.from({ length: PER_BATCH }, (_, i) => ({ sender: 'big', content: `${b * PER_BATCH + i}:`.padEnd(CHARS, String.fromCharCode(97 + r)) }));
          const res = await post(`/agent/rooms/${roomId}/messages`, JSON.stringify(batch));
          expect(res.status).toBe(201);
          await res.arrayBuffer();
        }
      }),
    );
    const peak = await peakRssMb(server.proc.pid!);
    console.log(`peak RSS after ${ROOMS * MESSAGES} messages of ${CHARS} characters: ${Math.round(peak)} MB`);
    expect(peak).toBeLessThan(LIMIT_MB);

    // The oldest and the newest messages of each room are all readable.
    for (const roomId of rooms) {
      const first = ((await (await fetch(`${server.url}/agent/rooms/${roomId}/history?after=0&limit=2`)).json()) as { messages: Message[] }).messages;
      const last = ((await (await fetch(`${server.url}/agent/rooms/${roomId}/history?limit=2`)).json()) as { messages: Message[] }).messages;
      expect([...first, ...last].map((m) => [m.seq, m.content.length, m.content.split(':')[0]])).toEqual([
        [1, CHARS, '0'],
        [2, CHARS, '1'],
        [MESSAGES - 1, CHARS, String(MESSAGES - 2)],
        [MESSAGES, CHARS, String(MESSAGES - 1)],
      ]);
    }
    await server.stop();
  }, MESSAGES * 3_000);
});
