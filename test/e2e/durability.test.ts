// Crash and restart of a real server process: nothing acknowledged is lost, nothing is stored twice.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { runCli, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('durability', () => {
  test('a restart keeps every room and message', async () => {
    const dir = await tempDir();
    let server = await startServer(dir);
    let client = new Client({ baseUrl: server.url });
    const rooms = await Promise.all(['a', 'b', 'c'].map((n) => client.createRoom(n)));
    for (const r of rooms) await client.sendBatch(r.roomId, Array.from({ length: 40 }, (_, i) => ({ sender: r.name, content: `${i}` })));
    expect(await server.stop()).toBe(0);

    server = await startServer(dir);
    client = new Client({ baseUrl: server.url });
    const listed = await client.listRooms();
    expect(listed.map((r) => r.id).sort()).toEqual(rooms.map((r) => r.roomId).sort());
    for (const r of rooms) {
      const msgs = await client.readAll(r.roomId);
      expect(msgs.map((m) => m.content)).toEqual(Array.from({ length: 40 }, (_, i) => `${i}`));
    }
  });

  test('kill -9 during 1,000 concurrent sends loses none that was acknowledged', async () => {
    const dir = await tempDir();
    let server = await startServer(dir);
    const { roomId } = await new Client({ baseUrl: server.url }).createRoom('crash');
    const acked: Message[] = [];
    let killed: Promise<void> | undefined;
    const sends = Array.from({ length: 1000 }, async (_, i) => {
      try {
        const res = await fetch(`${server.url}/agent/rooms/${roomId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sender: 'load', content: `msg ${i}` }),
        });
        if (res.status === 201) acked.push((await res.json()) as Message);
        if (acked.length === 300) killed ??= server.kill9();
      } catch {
        // the connection died with the server: not acknowledged
      }
    });
    await Promise.all(sends);
    await killed;
    expect(acked.length).toBeGreaterThanOrEqual(300);

    server = await startServer(dir);
    const stored = await new Client({ baseUrl: server.url }).readAll(roomId);
    const ids = stored.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length); // exactly once
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1)); // in order, no gap
    const byId = new Map(stored.map((m) => [m.id, m]));
    for (const m of acked) expect(byId.get(m.id)).toEqual(m);
  });

  test('a catalog that is not valid JSON stops the start, naming the file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'rooms.json'), 'not json');
    const r = await runCli(['serve', '--port', '0', '--data', dir, '--no-open']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(dir, 'rooms.json'));
    expect(r.stderr).toMatch(/not valid JSON/);
  });
});
