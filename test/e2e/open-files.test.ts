// A real server under a low open-file limit: creates past it answer 503 and leave no file; a start past it stops cleanly.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('open-file limit', () => {
  test('creates past the limit answer 503 and leave no orphan file; a start past it fails without leaving its lock', async () => {
    const dir = await tempDir();
    let server = await startServer(dir, [], {}, { openFiles: 300 });
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
    // It keeps refusing cleanly, and keeps serving the rooms it has.
    for (let i = 0; i < 5; i++) expect((await post(server.url, '/agent/rooms', { name: 'more' })).status).toBe(503);
    expect((await post(server.url, `/agent/rooms/${created.at(-1)}/messages`, { sender: 's', content: 'still here' })).status).toBe(201);
    const listed = ((await (await fetch(`${server.url}/agent/rooms`)).json()) as { rooms: { id: string }[] }).rooms;
    expect(listed.map((r) => r.id).sort()).toEqual([...created].sort());

    // Every log and index on disk belongs to a room in the catalog, and every room in it has its files.
    const catalog = (JSON.parse(await readFile(join(dir, 'rooms.json'), 'utf8')) as { rooms: { id: string }[] }).rooms.map((r) => r.id);
    expect(catalog.sort()).toEqual([...created].sort());
    const files = (await readdir(join(dir, 'rooms'))).sort();
    expect(files).toEqual(created.flatMap((id) => [`${id}.idx`, `${id}.jsonl`]).sort());
    expect(await server.stop()).toBe(0);

    // Enough descriptors to load the program (which opens many files at once), too few to open every room: one clear
    // line, a non-zero exit, and no lock left behind.
    const failed = await startServer(dir, [], {}, { openFiles: 200 }).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/exited with 1: .*open-file limit \(ulimit -n\)/s);
    expect((await readdir(dir)).filter((f) => f.startsWith('server.lock'))).toEqual([]);

    server = await startServer(dir);
    const again = ((await (await fetch(`${server.url}/agent/rooms`)).json()) as { rooms: { id: string; messageCount: number }[] }).rooms;
    expect(again.map((r) => r.id).sort()).toEqual([...created].sort());
    expect(again.find((r) => r.id === created.at(-1))?.messageCount).toBe(1);
  }, 60_000);
});
