// GET /agent/rooms by page: the pages put together are the whole list in order, cursors survive activity, bad input is a 400.
import { describe, expect, test } from 'vitest';
import { ROOMS_DEFAULT_LIMIT, ROOMS_MAX_LIMIT } from '../../src/api/limits.js';
import type { RoomList } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';

const page = async (app: Awaited<ReturnType<typeof testApp>>['app'], query: string) => {
  const res = await app.request(`/agent/rooms${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as RoomList;
};

describe('room list pages', () => {
  test('pages of 7 put together are the whole list, newest activity first, each room once; the last page says next: null', async () => {
    const { app, client } = await testApp();
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await client.createRoom(`r${i}`)).roomId);
    // Activity in a few rooms, in a known order: the last one sent to is listed first.
    for (const i of [3, 17, 9]) {
      await new Promise((r) => setTimeout(r, 2));
      await client.send(ids[i]!, { sender: 's', content: 'x' });
    }
    const whole = (await page(app, `?limit=${ROOMS_MAX_LIMIT}`)).rooms;
    expect(whole).toHaveLength(23);
    expect(whole.slice(0, 3).map((r) => r.id)).toEqual([ids[9], ids[17], ids[3]]);
    const seen: string[] = [];
    let sizes: number[] = [];
    for (let after = ''; ; ) {
      const p = await page(app, `?limit=7${after && `&after=${after}`}`);
      sizes.push(p.rooms.length);
      seen.push(...p.rooms.map((r) => r.id));
      if (p.next === null) break;
      after = p.next;
    }
    expect(sizes).toEqual([7, 7, 7, 2]);
    expect(seen).toEqual(whole.map((r) => r.id));
    // An exact multiple ends on a full page whose next is null: no empty page to fetch.
    sizes = [];
    for (let after = ''; ; ) {
      const p = await page(app, `?limit=23${after && `&after=${after}`}`);
      sizes.push(p.rooms.length);
      if (p.next === null) break;
      after = p.next;
    }
    expect(sizes).toEqual([23]);
    expect(await client.listRooms()).toEqual(whole);
    expect((await client.listRooms({ limit: 5 })).map((r) => r.id)).toEqual(whole.slice(0, 5).map((r) => r.id));
  });

  test(`without limit a page holds ${ROOMS_DEFAULT_LIMIT}; a room active between pages moves to the front and is not listed twice`, async () => {
    const { app, client } = await testApp();
    for (let i = 0; i < ROOMS_DEFAULT_LIMIT + 5; i++) await client.createRoom(`r${i}`);
    const first = await page(app, '');
    expect(first.rooms).toHaveLength(ROOMS_DEFAULT_LIMIT);
    expect(first.next).toEqual(expect.any(String));
    await client.send(first.rooms[0]!.id, { sender: 's', content: 'again' });
    const rest = await page(app, `?after=${first.next}`);
    expect(rest).toMatchObject({ next: null });
    expect(rest.rooms).toHaveLength(5);
    expect(new Set([...first.rooms, ...rest.rooms].map((r) => r.id)).size).toBe(ROOMS_DEFAULT_LIMIT + 5);
  });

  test.each([
    ['?limit=0', /limit must be a whole number from 1 to 1000 \(got "0"\)/],
    ['?limit=1001', /limit must be a whole number from 1 to 1000/],
    ['?limit=ten', /limit must be a whole number from 1 to 1000/],
    ['?after=nonsense', /after must be the "next" value of a previous page/],
    [`?after=${Buffer.from('[1,2]').toString('base64url')}`, /after must be the "next" value/],
  ])('GET /agent/rooms%s is a 400 naming the fix', async (query, message) => {
    const { app } = await testApp();
    const res = await app.request(`/agent/rooms${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_query', message: expect.stringMatching(message) } });
  });
});
