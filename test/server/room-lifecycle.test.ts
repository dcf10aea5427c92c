// A room after creation: PATCH (name, topic, settings), key rotation, deletion (API, disk, restart, streams),
// @mentions and the loop guard; with auth off and on.
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import type { CreatedAgent, CreatedRoom, Message, Room } from '../../src/api/types.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TEST_STORE } from '../helpers/stores.js';

const ADMIN = 'ima_lifecycle-admin-token-012345678';
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

async function setup(auth: boolean, dir?: string) {
  const t = await testApp({ ...(auth && { auth: { adminTokenHash: hashKey(ADMIN) } }), ...(dir && { storeOptions: { dir } }) });
  const room = (await (await t.json('POST', '/agent/rooms', { name: 'r' }, admin)).json()) as CreatedRoom;
  const alice = (await (await t.json('POST', `/agent/rooms/${room.roomId}/agents`, { name: 'alice' }, admin)).json()) as CreatedAgent;
  return { ...t, room, alice };
}

type Cred = 'none' | 'read' | 'write' | 'agent' | 'admin';
const CREDS: Cred[] = ['none', 'read', 'write', 'agent', 'admin'];
/** With auth on; with auth off everyone manages, except an agent key, which never does. */
const MANAGE: Record<Cred, number> = { none: 401, read: 403, write: 0, agent: 403, admin: 0 };


describe.each([true, false])('room lifecycle, auth %s', (auth) => {
  const keyOf = (t: Awaited<ReturnType<typeof setup>>, cred: Cred) =>
    ({ none: {}, read: bearer(t.room.keys.read), write: bearer(t.room.keys.write), agent: bearer(t.alice.key), admin })[cred];
  const expect2xx = (cred: Cred, ok: number) => (auth ? MANAGE[cred] || ok : cred === 'agent' ? 403 : ok);

  test.each(CREDS)('PATCH, key rotation and DELETE with %s', async (cred) => {
    const t = await setup(auth);
    const id = t.room.roomId;
    const patch = await t.json('PATCH', `/agent/rooms/${id}`, { name: 'renamed', topic: 'release 1.2', loopGuard: 5 }, keyOf(t, cred));
    expect(patch.status).toBe(expect2xx(cred, 200));
    if (patch.status === 200) {
      expect(await patch.json()).toMatchObject({ id, name: 'renamed', topic: 'release 1.2', settings: { loopGuard: 5 } });
      expect(await t.store.getRoom(id)).toMatchObject({ name: 'renamed', settings: { loopGuard: 5 } });
    }
    const rotate = await t.app.request(`/agent/rooms/${id}/keys`, { method: 'POST', headers: keyOf(t, cred) });
    expect(rotate.status).toBe(expect2xx(cred, 201));
    const del = await t.app.request(`/agent/rooms/${id}`, { method: 'DELETE', headers: keyOf(t, cred) });
    // After a rotation the old write key is refused; the admin token and (auth off) no key still delete.
    const rotated = rotate.status === 201;
    const delExpected = rotated && cred === 'write' && auth ? 401 : expect2xx(cred, 204);
    expect(del.status).toBe(delExpected);
  });

  test('PATCH refuses bad bodies with what to fix, and null clears a setting', async () => {
    const t = await setup(auth);
    const path = `/agent/rooms/${t.room.roomId}`;
    for (const [body, says] of [
      [{}, /at least one of name, topic or settings/],
      [{ name: ' ' }, /name must not be empty/],
      [{ loopGuard: 0 }, /loopGuard must be at least 1/],
      [{ settings: { loopGuard: 2.5 } }, /whole number/],
      [{ settings: { agentKeysOnly: 'yes' } }, /agentKeysOnly must be/],
      [{ colour: 'red' }, /takes only name, topic and settings/],
      [[1], /JSON object/],
    ] as [unknown, RegExp][]) {
      const res = await t.json('PATCH', path, body, admin);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(says);
    }
    await t.json('PATCH', path, { settings: { loopGuard: 3, agentKeysOnly: true } }, admin);
    const cleared = (await (await t.json('PATCH', path, { settings: { loopGuard: null }, topic: null }, admin)).json()) as Room;
    expect(cleared.settings).toEqual({ agentKeysOnly: true });
    expect(cleared).not.toHaveProperty('topic');
  });

  test('rotated keys: the old ones are refused at once, the new ones work', async () => {
    const t = await setup(auth);
    const id = t.room.roomId;
    const res = await t.app.request(`/agent/rooms/${id}/keys`, { method: 'POST', headers: admin });
    const { keys } = (await res.json()) as CreatedRoom;
    expect(keys.write).not.toBe(t.room.keys.write);
    if (!auth) return;
    const post = (k: string) => t.json('POST', `/agent/rooms/${id}/messages`, { sender: 's', content: 'c' }, bearer(k));
    expect((await post(t.room.keys.write)).status).toBe(401);
    expect((await t.app.request(`/agent/rooms/${id}/history`, { headers: bearer(t.room.keys.read) })).status).toBe(401);
    expect((await post(keys.write)).status).toBe(201);
    expect((await t.app.request(`/agent/rooms/${id}/history`, { headers: bearer(keys.read) })).status).toBe(200);
    // Agent keys are not the room's keys: they keep working.
    expect((await t.json('POST', `/agent/rooms/${id}/messages`, { content: 'c' }, bearer(t.alice.key))).status).toBe(201);
  });

  // Reads the file store's folder; the store contract suite (test/store/contract) covers the same for Redis.
  test.skipIf(TEST_STORE !== 'file')('a deleted room is gone from the API, from disk and after a restart; its stream gets a final event', async () => {
    const dir = await tempDir();
    const t = await setup(auth, dir);
    const id = t.room.roomId;
    const keep = (await (await t.json('POST', '/agent/rooms', { name: 'keep' }, admin)).json()) as CreatedRoom;
    await t.json('POST', `/agent/rooms/${id}/messages`, { sender: 's', content: 'secret plans' }, admin);
    const stream = await t.app.request(`/agent/rooms/${id}/stream?after=0`, { headers: admin });
    const reader = stream.body!.getReader();
    expect((await t.app.request(`/agent/rooms/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('secret plans');
    expect(text).toMatch(/event: deleted\ndata: \{"reason":"the room was deleted"\}\n\n$/);
    for (const path of [`/agent/rooms/${id}`, `/agent/rooms/${id}/history`, `/agent/rooms/${id}/agents`]) {
      const res = await t.app.request(path, { headers: admin });
      expect(res.status).toBe(404);
    }
    expect((await t.app.request(`/agent/rooms/${id}`, { method: 'DELETE', headers: admin })).status).toBe(404);
    expect((await readdir(`${dir}/rooms`)).filter((f) => f.startsWith(id))).toEqual([]);
    await t.store.close();
    // The catalog's journal named it until the close folded it into rooms.json.
    for (const file of ['rooms.json', 'rooms.journal']) expect(await readFile(`${dir}/${file}`, 'utf8')).not.toContain(id);
    const again = await testApp({ storeOptions: { dir } });
    expect((await again.store.listRooms()).map((r) => r.id)).toEqual([keep.roomId]);
    expect(await again.store.findKey(hashKey(t.alice.key))).toBeUndefined();
  });

  test('a long-poll waiting on a room that is deleted answers 404 room_not_found saying it was deleted', async () => {
    const t = await setup(auth);
    const id = t.room.roomId;
    const poll = t.app.request(`/agent/rooms/${id}/history?wait=30&as=poller`, { headers: admin });
    // Deleted once the poll waits: it listens as poller from then on.
    await expect
      .poll(async () => ((await (await t.app.request(`/agent/rooms/${id}/presence`, { headers: admin })).json()) as { agents: { name: string; listening: boolean }[] }).agents.some((a) => a.name === 'poller' && a.listening), { timeout: 15_000 })
      .toBe(true);
    expect((await t.app.request(`/agent/rooms/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    const res = await poll;
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'room_not_found', message: `Room "${id}" was deleted while this request waited for messages.` } });
  });

  test('@mentions: word-bounded names go to the mentions field', async () => {
    const t = await setup(auth);
    const post = async (content: string) =>
      ((await (await t.json('POST', `/agent/rooms/${t.room.roomId}/messages`, { sender: 's', content }, admin)).json()) as Message).mentions;
    expect(await post('@bob please ask @carol-2, cc @bob. Mail a@b.com or x@@y, @-no, email@host')).toEqual(['bob', 'carol-2']);
    expect(await post('(@Zoë) and @a_b.c!')).toEqual(['Zoë', 'a_b.c']);
    expect(await post('no mention here @ all')).toBeUndefined();
  });

  test('loop guard: agent posts past the cap get 429 loop_guard until a human posts', async () => {
    const t = await setup(auth);
    const id = t.room.roomId;
    const bob = (await (await t.json('POST', `/agent/rooms/${id}/agents`, { name: 'bob' }, admin)).json()) as CreatedAgent;
    await t.json('PATCH', `/agent/rooms/${id}`, { settings: { loopGuard: 3 } }, admin);
    const post = (key: string, body: object) => t.json('POST', `/agent/rooms/${id}/messages`, body, bearer(key));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(i % 2 ? bob.key : t.alice.key, { content: `turn ${i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const refused = await post(bob.key, { content: 'again' });
    expect(await refused.json()).toMatchObject({ error: { code: 'loop_guard', message: expect.stringMatching(/a human must post/) } });
    // An agent key cannot pass as human; a batch that would cross the cap is refused whole.
    expect((await post(bob.key, { content: 'I am human', type: 'human' })).status).toBe(429);
    const human = await t.json('POST', `/agent/rooms/${id}/messages`, { sender: 'pat', content: 'stop, both', type: 'human' }, admin);
    expect(human.status).toBe(201);
    expect((await post(t.alice.key, [{ content: '1' }, { content: '2' }, { content: '3' }, { content: '4' }])).status).toBe(429);
    expect((await post(t.alice.key, [{ content: '1' }, { content: '2' }])).status).toBe(201);
    // Off again with null.
    await t.json('PATCH', `/agent/rooms/${id}`, { settings: { loopGuard: null } }, admin);
    expect((await post(bob.key, [{ content: 'a' }, { content: 'b' }, { content: 'c' }])).status).toBe(201);
  });
});
