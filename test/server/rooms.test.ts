// Room routes in-process: the hosted service's create call, our create, list order and counts, show.
import { describe, expect, test } from 'vitest';
import { testApp } from '../helpers/app.js';

describe('rooms', () => {
  test('POST /agent/demo/room {"name"} answers 201 with a roomId that is unguessable and URL-safe', async () => {
    const { json } = await testApp();
    const res = await json('POST', '/agent/demo/room', { name: 'agent-collab' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { roomId: string; id: string; name: string; messageCount: number };
    expect(body.roomId).toMatch(/^[a-z2-7]{26}$/); // 26 base32 chars = 130 bits
    expect(body).toMatchObject({ id: body.roomId, name: 'agent-collab', messageCount: 0 });
  });

  test('room ids do not repeat', async () => {
    const { client } = await testApp();
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => client.createRoom(`r${i}`).then((r) => r.roomId)));
    expect(new Set(ids).size).toBe(50);
  });

  test('POST /agent/rooms creates a room too; GET /agent/rooms/:id shows it', async () => {
    const { json, app } = await testApp();
    const created = (await (await json('POST', '/agent/rooms', { name: 'x' })).json()) as { roomId: string };
    const res = await app.request(`/agent/rooms/${created.roomId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.roomId, name: 'x', lastSeq: 0, messageCount: 0 });
  });

  test('GET /agent/rooms lists newest activity first, with message counts', async () => {
    const { client } = await testApp();
    const a = await client.createRoom('a');
    const b = await client.createRoom('b');
    await new Promise((r) => setTimeout(r, 5));
    await client.send(a.roomId, { sender: 's', content: '1' });
    await client.send(a.roomId, { sender: 's', content: '2' });
    const rooms = await client.listRooms();
    expect(rooms.map((r) => [r.name, r.messageCount])).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
    expect(rooms[1]?.id).toBe(b.roomId);
  });
});
