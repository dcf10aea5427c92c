// Inboxes: each name's unread messages (to it, @mentioning it, to everyone; never its own) past its read cursor; acks
// move the cursor forward only, within the room's seqs, and survive a restart; who may read and ack.
import { describe, expect, test } from 'vitest';
import type { Inbox, InboxCursor } from '../../src/api/inbox.js';
import { MAX_INBOX_NAMES } from '../../src/api/limits.js';
import type { CreatedAgent, CreatedRoom } from '../../src/api/types.js';
import { createApp } from '../../src/server/app.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';
import { TEST_STORE, openStoreOf } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp-dir.js';

const ADMIN = 'ima_inbox-admin-token-0123456789';

type Cred = 'none' | 'read' | 'write' | 'other room' | 'agent' | 'admin';
const CREDS: Cred[] = ['none', 'read', 'write', 'other room', 'agent', 'admin'];
/** With auth on: who may read and ack an inbox (a reader keeps its own cursor, so the read key is enough). */
const ALLOWED: Record<Cred, number> = { none: 401, read: 200, write: 200, 'other room': 403, agent: 200, admin: 200 };

async function setup(auth: boolean, dir?: string) {
  const t = await testApp({ ...(auth && { auth: { adminTokenHash: hashKey(ADMIN) } }), ...(dir && { storeOptions: { dir } }) });
  const admin = { authorization: `Bearer ${ADMIN}` };
  const create = async (name: string) => (await (await t.json('POST', '/agent/rooms', { name }, admin)).json()) as CreatedRoom;
  const [room, other] = [await create('r'), await create('o')];
  const alice = (await (await t.json('POST', `/agent/rooms/${room.roomId}/agents`, { name: 'alice' }, admin)).json()) as CreatedAgent;
  const keys: Record<Cred, string | undefined> = { none: undefined, read: room.keys.read, write: room.keys.write, 'other room': other.keys.write, agent: alice.key, admin: ADMIN };
  const as = (cred: Cred): Record<string, string> => (keys[cred] ? { authorization: `Bearer ${keys[cred]}` } : {});
  const base = `/agent/rooms/${room.roomId}`;
  const post = (body: object, headers: Record<string, string> = admin) => t.json('POST', `${base}/messages`, body, headers);
  const inbox = async (query: string, headers: Record<string, string> = admin) => {
    const res = await t.app.request(`${base}/inbox?${query}`, { headers });
    return { status: res.status, body: (await res.json()) as Inbox & { error: { code: string; message: string } } };
  };
  const ack = async (body: object, headers: Record<string, string> = admin) => {
    const res = await t.json('POST', `${base}/inbox/ack`, body, headers);
    return { status: res.status, body: (await res.json()) as InboxCursor & { error: { code: string; message: string } } };
  };
  return { ...t, room, alice, as, base, post, inbox, ack, admin };
}

/** alice to everyone; carol to bob; carol to dave cc @bob; bob to carol; carol to dave. */
async function conversation(t: Awaited<ReturnType<typeof setup>>) {
  for (const m of [
    { sender: 'alice', content: 'standup in 5' },
    { sender: 'carol', content: 'bob only', to: ['bob'] },
    { sender: 'carol', content: 'dave, ask @bob too', to: ['dave'] },
    { sender: 'bob', content: 'for carol', to: ['carol'] },
    { sender: 'carol', content: 'dave again', to: ['dave'] },
  ]) {
    expect((await t.post(m)).status).toBe(201);
  }
}

const contents = (i: { body: Inbox }) => i.body.messages.map((m) => m.content);

describe.each([true, false])('inboxes, auth %s', (auth) => {
  test.each(CREDS)('GET inbox and POST ack with %s', async (cred) => {
    const t = await setup(auth);
    await conversation(t);
    // The agent key names alice; everyone else asks for bob's.
    const name = cred === 'agent' ? 'alice' : 'bob';
    const query = cred === 'agent' ? '' : 'as=bob';
    const read = await t.inbox(query, t.as(cred));
    const want = auth ? ALLOWED[cred] : 200;
    expect(read.status).toBe(want);
    const acked = await t.ack({ seq: 2, ...(cred !== 'agent' && { as: 'bob' }) }, t.as(cred));
    expect(acked.status).toBe(want);
    if (want !== 200) return expect(read.body.error.code).toMatch(/^(unauthorized|forbidden)$/);
    expect(read.body).toMatchObject({ roomId: t.room.roomId, name, cursor: 0, through: 5 });
    expect(contents(read)).toEqual(name === 'alice' ? [] : ['standup in 5', 'bob only', 'dave, ask @bob too']);
    expect(acked.body).toEqual({ roomId: t.room.roomId, name, cursor: 2 });
    if (cred === 'agent') {
      // An agent key cannot read or move another name's inbox.
      expect((await t.inbox('as=bob', t.as(cred))).body.error.code).toBe('sender_mismatch');
      expect((await t.ack({ as: 'bob', seq: 5 }, t.as(cred))).status).toBe(403);
    }
  });

  test('several readers each see their own messages; acks move forward only, within the room, and reading moves nothing', async () => {
    const t = await setup(auth);
    await conversation(t);
    const inboxes = Object.fromEntries(
      await Promise.all(['alice', 'bob', 'carol', 'dave'].map(async (n) => [n, contents(await t.inbox(`as=${n}`))] as const)),
    );
    expect(inboxes).toEqual({
      alice: [],
      bob: ['standup in 5', 'bob only', 'dave, ask @bob too'],
      carol: ['standup in 5', 'for carol'],
      dave: ['standup in 5', 'dave, ask @bob too', 'dave again'],
    });
    expect(contents(await t.inbox('as=bob'))).toEqual(inboxes.bob);

    expect((await t.ack({ as: 'bob', seq: 2 })).body.cursor).toBe(2);
    expect(contents(await t.inbox('as=bob'))).toEqual(['dave, ask @bob too']);
    expect((await t.ack({ as: 'bob', seq: 1 })).body.cursor).toBe(2);
    // `as` may come in the query too.
    const byQuery = await t.json('POST', `${t.base}/inbox/ack?as=bob`, { seq: 1 }, t.admin);
    expect(await byQuery.json()).toEqual({ roomId: t.room.roomId, name: 'bob', cursor: 2 });
    expect((await t.inbox('as=bob')).body.cursor).toBe(2);
    // Other readers are untouched.
    expect(contents(await t.inbox('as=dave'))).toEqual(inboxes.dave);

    const past = await t.ack({ as: 'bob', seq: 6 });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: 'invalid_ack', message: expect.stringContaining('from 0 to 5') });
    for (const [body, fix] of [
      [{ as: 'bob' }, /seq is required/],
      [{ as: 'bob', seq: -1 }, /seq must be 0 or more/],
      [{ as: 'bob', seq: 1.5 }, /whole number/],
      [{ as: '', seq: 1 }, /as must not be empty/],
      [{ seq: 1 }, /give as=NAME/],
      [{ as: 'bob', seq: 1, extra: true }, /only as and seq/],
    ] as const) {
      const res = await t.ack(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(fix);
    }
    const noName = await t.inbox('');
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatchObject({ code: 'invalid_query', message: expect.stringContaining('as=NAME') });
    expect((await t.inbox('as=bob&after=6')).status).toBe(400);
  });

  test('pages like history: limit, then after=through reads on', async () => {
    const t = await setup(auth);
    await conversation(t);
    const first = await t.inbox('as=dave&limit=2');
    expect(contents(first)).toEqual(['standup in 5', 'dave, ask @bob too']);
    expect(first.body.through).toBe(3);
    const next = await t.inbox(`as=dave&limit=2&after=${first.body.through}`);
    expect(contents(next)).toEqual(['dave again']);
    expect(next.body).toMatchObject({ cursor: 0, through: 5 });
    expect((await t.inbox('as=dave&limit=0')).status).toBe(400);
    expect((await t.inbox('as=dave&limit=1001')).status).toBe(400);
  });
});

test('cursors survive a restart; a long-poll on an empty inbox skips what is not for the name', async () => {
  const dir = await tempDir();
  const t = await setup(false, dir);
  await conversation(t);
  await t.ack({ as: 'dave', seq: 5 });
  await t.ack({ as: 'bob', seq: 2 });
  await t.store.close();

  const store = await openStoreOf(TEST_STORE, { dir });
  const app = createApp({ store, log: () => {} });
  const read = async (q: string) => (await (await app.request(`${t.base}/inbox?${q}`)).json()) as Inbox;
  expect(await read('as=bob')).toMatchObject({ cursor: 2, messages: [{ content: 'dave, ask @bob too' }] });
  expect((await read('as=dave')).messages).toEqual([]);

  const waiting = read('as=dave&wait=30');
  const send = (body: object) =>
    app.request(`${t.base}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await send({ sender: 'carol', content: 'not for dave', to: ['bob'] });
  await send({ sender: 'dave', content: 'my own' });
  await send({ sender: 'carol', content: 'ping @dave' });
  expect(await waiting).toMatchObject({ cursor: 5, through: 8, messages: [{ seq: 8, content: 'ping @dave', mentions: ['dave'] }] });
});

test(`an ack for a new name past ${MAX_INBOX_NAMES} in the room is a 409 saying what still works; known names move on`, async () => {
  const t = await setup(true);
  await conversation(t);
  for (let i = 0; i < MAX_INBOX_NAMES; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => t.store.setCursor(t.room.roomId, `n${i + j}`, 1)));
  }
  const refused = await t.ack({ as: 'newcomer', seq: 2 }, t.as('read'));
  expect(refused.status).toBe(409);
  expect(refused.body.error).toEqual({ code: 'limit', message: expect.stringMatching(/1000 names.*agent key/), requestId: expect.any(String) });
  expect((await t.ack({ as: 'n5', seq: 2 }, t.as('read'))).body.cursor).toBe(2);
  expect((await t.ack({ seq: 3 }, t.as('agent'))).body).toMatchObject({ name: 'alice', cursor: 3 });
});
