// Agent keys: made with the write key or the admin token, listed without keys, revoked at once; posts signed by name.
import { describe, expect, test } from 'vitest';
import type { CreatedAgent, CreatedRoom, Message } from '../../src/api/types.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';
import { TEST_STORE } from '../helpers/stores.js';

const ADMIN = 'ima_agents-admin-token-0123456789';

type Cred = 'none' | 'read' | 'write' | 'other room' | 'agent' | 'admin';
const CREDS: Cred[] = ['none', 'read', 'write', 'other room', 'agent', 'admin'];

async function setup(auth: boolean) {
  const t = await testApp(auth ? { auth: { adminTokenHash: hashKey(ADMIN) } } : {});
  const admin = { authorization: `Bearer ${ADMIN}` };
  const create = async (name: string) => (await (await t.json('POST', '/agent/rooms', { name }, admin)).json()) as CreatedRoom;
  const [room, other] = [await create('r'), await create('o')];
  const made = await t.json('POST', `/agent/rooms/${room.roomId}/agents`, { name: 'alice' }, admin);
  expect(made.status).toBe(201);
  const alice = (await made.json()) as CreatedAgent;
  const keys: Record<Cred, string | undefined> = {
    none: undefined, read: room.keys.read, write: room.keys.write, 'other room': other.keys.write, agent: alice.key, admin: ADMIN,
  };
  const as = (cred: Cred): Record<string, string> => (keys[cred] ? { authorization: `Bearer ${keys[cred]}` } : {});
  return { ...t, room, other, alice, keys, as };
}

/** With auth on: who may make, list and revoke agents. With auth off everyone acts as the admin. */
const MANAGE: Record<Cred, number> = { none: 401, read: 403, write: 0, 'other room': 403, agent: 403, admin: 0 };
const LIST: Record<Cred, number> = { none: 401, read: 200, write: 200, 'other room': 403, agent: 200, admin: 200 };

describe.each([true, false])('agent keys, auth %s', (auth) => {
  test.each(CREDS)('POST, GET and DELETE agents with %s', async (cred) => {
    const t = await setup(auth);
    const path = `/agent/rooms/${t.room.roomId}/agents`;
    // With auth off a request without a key acts as the admin; any key but an agent key is ignored.
    const eff = auth ? cred : cred === 'agent' ? 'agent' : 'admin';
    const post = await t.json('POST', path, { name: 'bob' }, t.as(cred));
    expect(post.status).toBe(MANAGE[eff] || 201);
    if (post.status === 201) {
      const bob = (await post.json()) as CreatedAgent;
      expect(bob).toEqual({ name: 'bob', createdAt: expect.any(String), key: expect.stringMatching(/^imag_[\w-]{32}$/) });
    } else {
      expect(((await post.json()) as { error: { code: string } }).error.code).toMatch(/^(unauthorized|forbidden|read_only_key)$/);
    }
    const list = await t.app.request(path, { headers: t.as(cred) });
    expect(list.status).toBe(auth ? LIST[cred] : 200);
    if (list.status === 200) {
      const text = await list.text();
      expect(JSON.parse(text).agents.map((a: { name: string }) => a.name)).toEqual(post.status === 201 ? ['alice', 'bob'] : ['alice']);
      expect(text).not.toContain('imag_');
    }
    const del = await t.app.request(`${path}/alice`, { method: 'DELETE', headers: t.as(cred) });
    expect(del.status).toBe(MANAGE[eff] || 204);
  });

  test('an agent key posts as its name (sender may be left out), marked verified; another name is a 403', async () => {
    const t = await setup(auth);
    const path = `/agent/rooms/${t.room.roomId}/messages`;
    const key = t.as('agent');
    const noSender = await t.json('POST', path, { content: 'hi' }, key);
    expect(noSender.status).toBe(201);
    expect(await noSender.json()).toMatchObject({ sender: 'alice', content: 'hi', verified: true });
    expect((await t.json('POST', path, { sender: 'alice', content: 'again' }, key)).status).toBe(201);
    const spoof = await t.json('POST', path, { sender: 'bob', content: 'I am bob' }, key);
    expect(spoof.status).toBe(403);
    expect(((await spoof.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'sender_mismatch', message: expect.stringContaining('"alice"') });
    const batch = await t.json('POST', path, [{ content: 'one' }, { sender: 'mallory', content: 'two' }], key);
    expect(batch.status).toBe(403);
    expect(((await batch.json()) as { error: { message: string } }).error.message).toMatch(/^message 2: /);
    // A body cannot claim to be verified, and a key that is not an agent's cannot post without a sender.
    const claimed = await t.json('POST', path, { sender: 'bob', content: 'trust me', verified: true }, t.as(auth ? 'write' : 'none'));
    expect(await claimed.json()).not.toHaveProperty('verified');
    expect((await t.json('POST', path, { content: 'who?' }, t.as('write'))).status).toBe(400);
    const stored = await t.store.read(t.room.roomId, { limit: 10 });
    expect(stored.map((m: Message) => [m.sender, m.content, m.verified])).toEqual([
      ['alice', 'hi', true],
      ['alice', 'again', true],
      ['bob', 'trust me', undefined],
    ]);
  });

  test('a revoked agent key is refused at once, also for reading', async () => {
    const t = await setup(auth);
    const admin = { authorization: `Bearer ${ADMIN}` };
    expect((await t.app.request(`/agent/rooms/${t.room.roomId}/agents/alice`, { method: 'DELETE', headers: admin })).status).toBe(204);
    const post = await t.json('POST', `/agent/rooms/${t.room.roomId}/messages`, { content: 'still here?' }, t.as('agent'));
    expect(post.status).toBe(401);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('invalid_key');
    expect((await t.app.request(`/agent/rooms/${t.room.roomId}/history`, { headers: t.as('agent') })).status).toBe(401);
    expect((await t.app.request(`/agent/rooms/${t.room.roomId}/agents/alice`, { method: 'DELETE', headers: admin })).status).toBe(404);
  });

  test('bad names and a taken name are 4xx saying what to fix', async () => {
    const t = await setup(auth);
    const path = `/agent/rooms/${t.room.roomId}/agents`;
    for (const body of [{}, { name: '' }, { name: 'a b' }, { name: 'x'.repeat(65) }, { name: 5 }, { name: '-lead' }]) {
      const res = await t.json('POST', path, body, { authorization: `Bearer ${ADMIN}` });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_agent');
    }
    const taken = await t.json('POST', path, { name: 'alice' }, { authorization: `Bearer ${ADMIN}` });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'conflict', message: expect.stringContaining('alice') });
  });

  test('agentKeysOnly: the room write key can no longer post; agent keys and the admin token can', async () => {
    const t = await setup(auth);
    const admin = { authorization: `Bearer ${ADMIN}` };
    const patched = await t.json('PATCH', `/agent/rooms/${t.room.roomId}`, { settings: { agentKeysOnly: true } }, admin);
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ settings: { agentKeysOnly: true } });
    const path = `/agent/rooms/${t.room.roomId}/messages`;
    const write = await t.json('POST', path, { sender: 'w', content: 'x' }, t.as('write'));
    expect(write.status).toBe(auth ? 403 : 201);
    if (auth) expect(((await write.json()) as { error: { code: string } }).error.code).toBe('agent_key_required');
    // The room's refusal comes before the body's, on Redis too, where the room is not read before the append.
    const invalid = await t.json('POST', path, { sender: 'w', content: '' }, t.as('write'));
    expect(invalid.status).toBe(auth ? 403 : 400);
    expect((await t.json('POST', path, { content: 'x' }, t.as('agent'))).status).toBe(201);
    expect((await t.json('POST', path, { sender: 'op', content: 'x' }, admin)).status).toBe(201);
    // The refused sends stored nothing.
    expect((await t.store.read(t.room.roomId, { limit: 10 })).map((m) => m.content)).toEqual(auth ? ['x', 'x'] : ['x', 'x', 'x']);
  });

  // Reads the file store's folder; the store contract suite (test/store/contract) covers the same for Redis.
  test.skipIf(TEST_STORE !== 'file')('agents survive a restart, and so does a revocation', async () => {
    const t = await setup(auth);
    await t.store.removeAgent(t.room.roomId, 'alice');
    await t.store.addAgent(t.room.roomId, 'carol', hashKey('imag_carol-key-000000000000000000000000'));
    const dir = (t.store as unknown as { options: { dir: string } }).options.dir;
    await t.store.close();
    const again = await testApp({ storeOptions: { dir }, ...(auth && { auth: { adminTokenHash: hashKey(ADMIN) } }) });
    expect(await again.store.listAgents(t.room.roomId)).toEqual([{ name: 'carol', createdAt: expect.any(String) }]);
    expect(await again.store.findKey(hashKey(t.alice.key))).toBeUndefined();
    expect(await again.store.findKey(hashKey('imag_carol-key-000000000000000000000000'))).toEqual({ roomId: t.room.roomId, access: 'write', agent: 'carol' });
  });
});
