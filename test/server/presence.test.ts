// Presence on a real server: a real SSE stream and a real long-poll named by ?as= (or an agent key) count as listening
// while open and stop when they close; posts and named requests set lastPostAt / lastSeenAt; who may ask.
import { afterEach, describe, expect, test } from 'vitest';
import type { PresenceEntry, RoomPresence } from '../../src/api/presence.js';
import type { CreatedAgent, CreatedRoom } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { createApp } from '../../src/server/app.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { testApp } from '../helpers/app.js';
import { TEST_STORE, openStoreOf } from '../helpers/stores.js';
import { pollFor } from '../helpers/until.js';

const ADMIN = 'ima_presence-admin-token-0123456789';
const servers: Listening[] = [];
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const ac of aborts.splice(0)) ac.abort();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function realServer(auth: boolean) {
  const store = await openStoreOf(TEST_STORE);
  // A closed listener stops counting after 100 ms, not the default's 2 s (presence-registry.test.ts holds the grace).
  const app = createApp({ store, log: () => {}, listenGraceMs: 100, ...(auth && { auth: { adminTokenHash: hashKey(ADMIN) } }) });
  const listening = await listen(app, { host: '127.0.0.1', port: 0 });
  servers.push(listening);
  const admin = new Client({ baseUrl: listening.url, key: ADMIN });
  const room = await admin.createRoom('r');
  const alice = (await (
    await fetch(`${listening.url}/agent/rooms/${room.roomId}/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ name: 'alice' }),
    })
  ).json()) as CreatedAgent;
  return { url: listening.url, room, alice, admin };
}

/** Polls presence until `check` holds (order and content, never a duration), or fails after a generous deadline. */
const until = (client: Client, roomId: string, check: (agents: PresenceEntry[]) => boolean): Promise<PresenceEntry[]> =>
  pollFor(async () => (await client.presence(roomId)).agents, check, 15_000, 'presence to match', 50);

const listening = (agents: PresenceEntry[], name: string) => agents.find((a) => a.name === name)?.listening === true;

describe.each([false, true])('presence on a real server, auth %s', (auth) => {
  test('an SSE stream and a long-poll named by as listen while open, and stop when they close', async () => {
    const { url, room, admin } = await realServer(auth);
    const key: Record<string, string> = auth ? { authorization: `Bearer ${room.keys.read}` } : {};
    const base = `${url}/agent/rooms/${room.roomId}`;
    const sse = new AbortController();
    const poll = new AbortController();
    aborts.push(sse, poll);
    const stream = await fetch(`${base}/stream?as=watcher`, { headers: key, signal: sse.signal });
    expect(stream.status).toBe(200);
    const waiting = fetch(`${base}/history?wait=50&as=poller`, { headers: key, signal: poll.signal }).catch(() => undefined);
    const open = await until(admin, room.roomId, (a) => listening(a, 'watcher') && listening(a, 'poller'));
    expect(open.find((a) => a.name === 'watcher')).toEqual({ name: 'watcher', listening: true, lastSeenAt: expect.any(String), lastPostAt: null });

    // A post answers the long-poll; its sender gets lastPostAt, and the poll is over.
    await admin.send(room.roomId, { sender: 'poster', content: 'hello @watcher' });
    const answered = (await (await waiting)!.json()) as { messages: { content: string }[] };
    expect(answered.messages.map((m) => m.content)).toEqual(['hello @watcher']);
    const after = await until(admin, room.roomId, (a) => !listening(a, 'poller'));
    expect(after.find((a) => a.name === 'poster')).toMatchObject({ listening: false, lastPostAt: expect.any(String) });
    expect(listening(after, 'watcher')).toBe(true);

    sse.abort();
    const closed = await until(admin, room.roomId, (a) => !listening(a, 'watcher'));
    expect(closed.filter((a) => a.listening)).toEqual([]);
    // Registered agents are listed even before they are seen.
    expect(closed.find((a) => a.name === 'alice')).toEqual({ name: 'alice', listening: false, lastSeenAt: null, lastPostAt: null });
  });

  test('an agent key names its holder: its stream listens as that name, and a different as is refused', async () => {
    const { url, room, alice, admin } = await realServer(auth);
    const base = `${url}/agent/rooms/${room.roomId}`;
    const ac = new AbortController();
    aborts.push(ac);
    const headers = { authorization: `Bearer ${alice.key}` };
    const spoof = await fetch(`${base}/stream?as=bob`, { headers, signal: ac.signal });
    expect(spoof.status).toBe(403);
    expect(((await spoof.json()) as { error: { code: string } }).error.code).toBe('sender_mismatch');
    const stream = await fetch(`${base}/stream`, { headers, signal: ac.signal });
    expect(stream.status).toBe(200);
    const agents = await until(admin, room.roomId, (a) => listening(a, 'alice'));
    expect(agents.map((a) => a.name)).not.toContain('bob');
    ac.abort();
    await until(admin, room.roomId, (a) => !listening(a, 'alice'));
  });
});

type Cred = 'none' | 'read' | 'write' | 'other room' | 'agent' | 'admin';
const READ: Record<Cred, number> = { none: 401, read: 200, write: 200, 'other room': 403, agent: 200, admin: 200 };

describe.each([true, false])('GET presence in-process, auth %s', (auth) => {
  test.each(Object.keys(READ) as Cred[])('with %s', async (cred) => {
    const t = await testApp(auth ? { auth: { adminTokenHash: hashKey(ADMIN) } } : {});
    const admin = { authorization: `Bearer ${ADMIN}` };
    const create = async (name: string) => (await (await t.json('POST', '/agent/rooms', { name }, admin)).json()) as CreatedRoom;
    const [room, other] = [await create('r'), await create('o')];
    const alice = (await (await t.json('POST', `/agent/rooms/${room.roomId}/agents`, { name: 'alice' }, admin)).json()) as CreatedAgent;
    const keys: Record<Cred, string | undefined> = { none: undefined, read: room.keys.read, write: room.keys.write, 'other room': other.keys.write, agent: alice.key, admin: ADMIN };
    const headers: Record<string, string> = keys[cred] ? { authorization: `Bearer ${keys[cred]}` } : {};
    // A named read marks lastSeenAt; a post marks lastPostAt (and lastSeenAt).
    await t.app.request(`/agent/rooms/${room.roomId}/history?as=reader`, { headers: admin });
    await t.json('POST', `/agent/rooms/${room.roomId}/messages`, { content: 'hi' }, { authorization: `Bearer ${alice.key}` });
    const res = await t.app.request(`/agent/rooms/${room.roomId}/presence`, { headers });
    expect(res.status).toBe(auth ? READ[cred] : 200);
    if (res.status !== 200) return;
    const body = (await res.json()) as RoomPresence;
    expect(body.roomId).toBe(room.roomId);
    expect(body.agents.map((a) => [a.name, a.listening, a.lastSeenAt !== null, a.lastPostAt !== null])).toEqual([
      ['alice', false, true, true],
      ['reader', false, true, false],
    ]);
  });
});

test('presence of a room that is not there is a 404, and lastPostAt outlives a restart (from the log)', async () => {
  const t = await testApp();
  expect((await t.app.request('/agent/rooms/nosuchroom/presence')).status).toBe(404);
  const { roomId } = await t.client.createRoom('r');
  await t.client.send(roomId, { sender: 'bob', content: 'hi' });
  const fresh = createApp({ store: t.store, log: () => {} });
  const body = (await (await fresh.request(`/agent/rooms/${roomId}/presence`)).json()) as RoomPresence;
  expect(body.agents).toEqual([{ name: 'bob', listening: false, lastSeenAt: expect.any(String), lastPostAt: expect.any(String) }]);
});
