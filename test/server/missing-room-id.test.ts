// A room path without its room id ($ROOM empty, or the id left out) says the id is missing, in the one error shape.
import { describe, expect, test } from 'vitest';
import { testApp } from '../helpers/app.js';

describe('a missing room id', () => {
  test.each([
    ['POST', '/agent/rooms//messages'],
    ['GET', '/agent/rooms//history?wait=5'],
    ['GET', '/agent/rooms//stream'],
    ['POST', '/agent/rooms/messages'],
    ['GET', '/agent/rooms/messages'],
    ['GET', '/agent/rooms/history'],
  ])('%s %s is a 400 missing_room_id that says so', async (method, path) => {
    const { app } = await testApp();
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' && { body: JSON.stringify({ sender: 'a', content: 'b' }) }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('missing_room_id');
    expect(error.message).toMatch(/^The room id is missing from \/agent\/rooms\/.*\/agent\/rooms\/ROOM_ID.*\$ROOM/);
  });

  test('a real room and an unknown id answer as before', async () => {
    const { app, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    expect((await app.request(`/agent/rooms/${roomId}/history`)).status).toBe(200);
    const res = await app.request('/agent/rooms/nosuchroom/history');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('room_not_found');
  });
});
