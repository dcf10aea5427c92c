// A real server under a low open-file limit: with --max-open-files under it, rooms past the limit work and restarts
// are clean; with a --max-open-files above it, creates past the limit answer 503 and leave no file.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const openFds = async (pid: number) => (await readdir(`/proc/${pid}/fd`)).length;

/** Descriptors of the process open on files in `dir`. */
async function fdsUnder(pid: number, dir: string): Promise<number> {
  const targets = await Promise.all((await readdir(`/proc/${pid}/fd`)).map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets.filter((t) => t.startsWith(`${dir}/`)).length;
}

describe('open-file limit', () => {
  test('ulimit -n 300, --max-open-files 64: 400 rooms each written twice, the process stays under the limit, a restart under 200 has them all', async () => {
    const dir = await tempDir();
    let server = await startServer(dir, ['--max-open-files', '64'], {}, { openFiles: 300 });
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) {
      const res = await post(server.url, '/agent/rooms', { name: `r${i}` });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { roomId: string }).roomId);
    }
    for (const round of [1, 2]) {
      // 8 at a time, across all the rooms: more rooms in use than the limit holds.
      for (let i = 0; i < ids.length; i += 8) {
        const sent = await Promise.all(ids.slice(i, i + 8).map((id) => post(server.url, `/agent/rooms/${id}/messages`, { sender: 's', content: `m${round}` })));
        expect(sent.map((r) => r.status)).toEqual(sent.map(() => 201));
      }
    }
    // Room files at most 64, plus what the program holds anyway (sockets, its own files): far below 400 rooms x 2.
    expect(await openFds(server.proc.pid!)).toBeLessThan(64 + 60);
    expect(await server.stop()).toBe(0);

    server = await startServer(dir, ['--max-open-files', '64'], {}, { openFiles: 200 });
    const listed = ((await (await fetch(`${server.url}/agent/rooms?limit=1000`)).json()) as { rooms: { id: string; lastSeq: number }[] }).rooms;
    expect(listed.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(listed.every((r) => r.lastSeq === 2)).toBe(true);
    const history = (await (await fetch(`${server.url}/agent/rooms/${ids[123]}/history`)).json()) as { messages: { content: string }[] };
    expect(history.messages.map((m) => m.content)).toEqual(['m1', 'm2']);
    expect(await server.stop()).toBe(0);
  }, 120_000);

  // Rooms whose files must be reopened for each send cost several times the send (spread sends ran at 0.2-0.3x of
  // sends into one room with 256): the default follows the real limit.
  test.each([
    [2400, 300, 600],
    [320, 200, 80],
  ])('no --max-open-files under ulimit -n %i: %i rooms each written, the rooms keep %i descriptors open (a quarter of the limit)', async (limit, rooms, kept) => {
    const dir = await tempDir();
    const server = await startServer(dir, [], {}, { openFiles: limit });
    const ids: string[] = [];
    for (let i = 0; i < rooms; i++) {
      const res = await post(server.url, '/agent/rooms', { name: `r${i}` });
      ids.push(((await res.json()) as { roomId: string }).roomId);
    }
    for (let i = 0; i < ids.length; i += 8) {
      const sent = await Promise.all(ids.slice(i, i + 8).map((id) => post(server.url, `/agent/rooms/${id}/messages`, { sender: 's', content: 'm' })));
      expect(sent.map((r) => r.status)).toEqual(sent.map(() => 201));
    }
    // Closes of idle rooms' files finish a moment after the sends that caused them.
    await expect.poll(() => fdsUnder(server.proc.pid!, join(dir, 'rooms'))).toBe(Math.min(kept, 2 * rooms));
    expect(await server.stop()).toBe(0);
  }, 120_000);

  test('a --max-open-files above ulimit -n: creates past the OS limit answer 503 and leave no orphan file', async () => {
    const dir = await tempDir();
    const server = await startServer(dir, ['--max-open-files', '5000'], {}, { openFiles: 300 });
    const created: string[] = [];
    let refused: Response | undefined;
    // One connection, reused: a new one could not be accepted once the process is out of descriptors.
    for (let i = 0; i < 300 && !refused; i++) {
      const res = await post(server.url, '/agent/rooms', { name: `r${i}` });
      if (res.status === 201) created.push(((await res.json()) as { roomId: string }).roomId);
      else refused = res;
    }
    expect(created.length).toBeGreaterThan(110);
    expect(refused?.status).toBe(503);
    expect(((await refused!.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/open files|EMFILE/),
    });
    for (let i = 0; i < 5; i++) expect((await post(server.url, '/agent/rooms', { name: 'more' })).status).toBe(503);
    expect((await post(server.url, `/agent/rooms/${created.at(-1)}/messages`, { sender: 's', content: 'still here' })).status).toBe(201);
    const listed = ((await (await fetch(`${server.url}/agent/rooms?limit=1000`)).json()) as { rooms: { id: string }[] }).rooms;
    expect(listed.map((r) => r.id).sort()).toEqual([...created].sort());

    // Every log and index on disk belongs to a room in the catalog, and every room in it has its files.
    expect(await server.stop()).toBe(0);
    const catalog = (JSON.parse(await readFile(join(dir, 'rooms.json'), 'utf8')) as { rooms: { id: string }[] }).rooms.map((r) => r.id);
    expect(catalog.sort()).toEqual([...created].sort());
    const files = (await readdir(join(dir, 'rooms'))).sort();
    expect(files).toEqual(created.flatMap((id) => [`${id}.idx`, `${id}.jsonl`]).sort());
  }, 60_000);
});
