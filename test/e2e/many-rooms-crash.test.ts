// kill -9 while many rooms are written at once through a pool of 8 open files: every acknowledged message is there
// once, in order, in its room, after each restart (rooms recovered lazily, files opened and closed all the time).
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { startServer } from '../helpers/server-process.js';
import { sendUntilDead } from '../helpers/send-until-dead.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOMS = 40;
const ARGS = ['--max-open-files', '8'];

describe('many rooms, few open files', () => {
  test(`kill -9 under load across ${ROOMS} rooms with --max-open-files 8: nothing acknowledged is lost`, async () => {
    const dir = await tempDir();
    let server = await startServer(dir, ARGS);
    let client = new Client({ baseUrl: server.url });
    const rooms: string[] = [];
    for (let i = 0; i < ROOMS; i++) rooms.push((await client.createRoom(`r${i}`)).roomId);
    const acked = new Map<string, Message>();
    for (let round = 0; round < 4; round++) {
      const sending = sendUntilDead(server.url, rooms, 24, `round-${round}`, undefined, 5);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 500));
      await server.kill9();
      for (const m of await sending) acked.set(m.id, m);
      server = await startServer(dir, ARGS);
      client = new Client({ baseUrl: server.url });
      const byRoom = new Map<string, Message[]>();
      for (const room of rooms) {
        const stored = await client.readAll(room);
        expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
        byRoom.set(room, stored);
      }
      const byId = new Map([...byRoom.values()].flat().map((m) => [m.id, m]));
      const missing = [...acked.values()].filter((m) => JSON.stringify(byId.get(m.id)) !== JSON.stringify(m));
      expect(missing, `round ${round}`).toEqual([]);
      // The list agrees with the rooms' own logs.
      const listed = await client.listRooms();
      expect(listed).toHaveLength(ROOMS);
      for (const r of listed) expect(r.lastSeq).toBe(byRoom.get(r.id)!.length);
    }
    // Enough acknowledged sends, spread over enough rooms, that the check means something.
    expect(acked.size).toBeGreaterThan(100);
    expect(new Set([...acked.values()].map((m) => m.roomId)).size).toBeGreaterThan(ROOMS / 2);
    expect(await server.stop()).toBe(0);
  }, 180_000);
});
