// The webhook routes in-process: create, list, show, remove, resume, validation, auth and the private-URL refusal.
import { describe, expect, test } from 'vitest';
import { hashKey } from '../../src/server/auth/keys.js';
import { webhookApp } from '../helpers/webhook-app.js';

const ADMIN_TOKEN = 'ima_test-admin-token-0123456789';
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function roomWithApp(options: Parameters<typeof webhookApp>[0] = {}) {
  const t = await webhookApp(options);
  const res = await t.json('POST', '/agent/rooms', { name: 'hooks' }, auth(ADMIN_TOKEN));
  const room = (await res.json()) as { id: string; keys: { write: string; read: string } };
  return { ...t, room };
}

describe('webhook routes', () => {
  test('add answers 201 with the secret once; list and show leave it out', async () => {
    const { json, room } = await roomWithApp();
    const res = await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/hook', to: 'reviewer', type: 'task' });
    expect(res.status).toBe(201);
    const hook = await res.json();
    expect(hook).toMatchObject({ roomId: room.id, url: 'http://127.0.0.1:9/hook', to: 'reviewer', type: 'task', state: 'active', failures: 0, lastDeliveredSeq: 0 });
    expect(hook.id).toMatch(/^wh_[\w-]{16}$/);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const list = await (await json('GET', `/agent/rooms/${room.id}/webhooks`)).json();
    expect(list.roomId).toBe(room.id);
    expect(list.webhooks).toHaveLength(1);
    expect(list.webhooks[0].id).toBe(hook.id);
    expect(list.webhooks[0]).not.toHaveProperty('secret');
    const one = await (await json('GET', `/agent/rooms/${room.id}/webhooks/${hook.id}`)).json();
    expect(one).toEqual(list.webhooks[0]);
  });

  test('a new hook starts after the newest message, or after `after`', async () => {
    const { json, client, room } = await roomWithApp();
    await client.sendBatch(room.id, [1, 2, 3].map((n) => ({ sender: 'a', content: `m${n}` })));
    const now = await (await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/a' })).json();
    expect(now.lastDeliveredSeq).toBe(3);
    const replay = await (await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/b', after: 1 })).json();
    expect(replay.lastDeliveredSeq).toBe(1);
  });

  test('remove answers the removed hook, then it is gone', async () => {
    const { json, room } = await roomWithApp();
    const hook = await (await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/hook' })).json();
    const res = await json('DELETE', `/agent/rooms/${room.id}/webhooks/${hook.id}`);
    expect(res.status).toBe(200);
    expect((await res.json()).id).toBe(hook.id);
    expect((await (await json('GET', `/agent/rooms/${room.id}/webhooks`)).json()).webhooks).toEqual([]);
    const again = await json('DELETE', `/agent/rooms/${room.id}/webhooks/${hook.id}`);
    expect(again.status).toBe(404);
    expect((await again.json()).error.code).toBe('webhook_not_found');
  });

  test.each([
    [{}, 'url is required'],
    [{ url: 'not a url' }, 'url must be an absolute URL'],
    [{ url: 'ftp://example.com/x' }, 'url must start with http:// or https://'],
    [{ url: 'http://127.0.0.1/x', to: '' }, 'to must not be empty'],
    [{ url: 'http://127.0.0.1/x', after: -1 }, 'after'],
    [{ url: `http://127.0.0.1/${'x'.repeat(2100)}` }, 'at most 2048 characters'],
    [[], 'the body must be a JSON object with a url'],
  ])('400 for %j', async (body, message) => {
    const { json, room } = await roomWithApp();
    const res = await json('POST', `/agent/rooms/${room.id}/webhooks`, body);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_webhook');
    expect(error.message).toContain(message);
  });

  test('404 for an unknown room or hook', async () => {
    const { json, room } = await roomWithApp();
    expect((await json('GET', '/agent/rooms/nosuchroom/webhooks')).status).toBe(404);
    expect((await json('POST', '/agent/rooms/nosuchroom/webhooks', { url: 'http://127.0.0.1/x' })).status).toBe(404);
    expect((await json('POST', `/agent/rooms/${room.id}/webhooks/wh_nope/resume`)).status).toBe(404);
  });

  test('409 past the per-room limit', async () => {
    const { json, room } = await roomWithApp({ hooks: { maxPerRoom: 2 } });
    for (const n of [1, 2]) expect((await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: `http://127.0.0.1:9/${n}` })).status).toBe(201);
    const res = await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/3' });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain('2 webhooks');
  });

  test('503 unavailable once the webhooks are closing (the server is shutting down)', async () => {
    const { json, room, webhooks } = await roomWithApp();
    await webhooks.close();
    const res = await json('POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/late' });
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatchObject({ code: 'unavailable', message: 'The server is shutting down.' });
  });
});

describe('webhook routes with auth on', () => {
  const withAuth = { app: { auth: { adminTokenHash: hashKey(ADMIN_TOKEN) } } };

  test('a URL\'s credentials are shown whole to the write key and the admin token, masked to the read key and agent keys', async () => {
    const { json, room } = await roomWithApp({ ...withAuth, hooks: { allowPrivate: true } });
    const url = `/agent/rooms/${room.id}/webhooks`;
    const secretUrl = 'http://bot:hunter2pass@127.0.0.1:9/hooks/T01/9f8e7d6c5b4a39281706?token=s3cr3t&room=ops&v=Zx81kq0Pw7Lm3Nb5';
    const hook = await (await json('POST', url, { url: secretUrl }, auth(room.keys.write))).json();
    const agent = (await (await json('POST', `/agent/rooms/${room.id}/agents`, { name: 'bot' }, auth(room.keys.write))).json()) as { key: string };
    const masked = 'http://***:***@127.0.0.1:9/hooks/T01/***?token=***&room=ops&v=***';
    for (const [key, shown] of [[room.keys.write, secretUrl], [ADMIN_TOKEN, secretUrl], [room.keys.read, masked], [agent.key, masked]] as const) {
      const list = await (await json('GET', url, undefined, auth(key))).json();
      expect(list.webhooks.map((h: { url: string }) => h.url)).toEqual([shown]);
      expect((await (await json('GET', `${url}/${hook.id}`, undefined, auth(key))).json()).url).toBe(shown);
    }
  });

  test('adding needs the write key or the admin token; listing any key of the room', async () => {
    const { json, room } = await roomWithApp({ ...withAuth, hooks: { allowPrivate: true } });
    const other = (await (await json('POST', '/agent/rooms', { name: 'other' }, auth(ADMIN_TOKEN))).json()) as { keys: { write: string } };
    const url = `/agent/rooms/${room.id}/webhooks`;
    const body = { url: 'http://127.0.0.1:9/hook' };
    expect((await json('POST', url, body)).status).toBe(401);
    expect((await json('POST', url, body, auth(room.keys.read))).status).toBe(403);
    expect((await json('POST', url, body, auth(other.keys.write))).status).toBe(403);
    const made = await json('POST', url, body, auth(room.keys.write));
    expect(made.status).toBe(201);
    expect((await json('POST', url, body, auth(ADMIN_TOKEN))).status).toBe(201);
    const hook = await made.json();

    expect((await json('GET', url)).status).toBe(401);
    expect((await json('GET', url, undefined, auth(other.keys.write))).status).toBe(403);
    expect((await json('GET', url, undefined, auth(room.keys.read))).status).toBe(200);
    expect((await json('DELETE', `${url}/${hook.id}`, undefined, auth(room.keys.read))).status).toBe(403);
    expect((await json('POST', `${url}/${hook.id}/resume`, undefined, auth(room.keys.read))).status).toBe(403);
    expect((await json('POST', `${url}/${hook.id}/resume`, undefined, auth(room.keys.write))).status).toBe(200);
    expect((await json('DELETE', `${url}/${hook.id}`, undefined, auth(room.keys.write))).status).toBe(200);

    // An agent key posts and reads, but managing hooks is the room owner's: listing yes, adding no.
    const agent = (await (await json('POST', `/agent/rooms/${room.id}/agents`, { name: 'bot' }, auth(room.keys.write))).json()) as { key: string };
    expect((await json('GET', url, undefined, auth(agent.key))).status).toBe(200);
    const refused = await json('POST', url, body, auth(agent.key));
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe("Adding a webhook needs the room's write key or the admin token; an agent key cannot do it.");
  });

  test.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://10.1.2.3/hook',
    'http://172.20.0.1/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://0.0.0.0/hook',
    'http://2130706433/hook', // 127.0.0.1 as one number
    'http://[::127.0.0.1]/hook', // IPv4-compatible
    'http://[::ffff:0:127.0.0.1]/hook', // IPv4-translated
    'http://[2002:7f00:1::]/hook', // 6to4 of 127.0.0.1
  ])('refuses %s unless private hooks are allowed', async (url) => {
    const { json, room } = await roomWithApp({ ...withAuth, hooks: { allowPrivate: false } });
    const res = await json('POST', `/agent/rooms/${room.id}/webhooks`, { url }, auth(room.keys.write));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('webhook_url_refused');
    expect(error.message).toContain('--allow-private-webhooks');
    const list = await json('GET', `/agent/rooms/${room.id}/webhooks`, undefined, auth(room.keys.read));
    expect((await list.json()).webhooks).toEqual([]);

    const allowed = await roomWithApp({ ...withAuth, hooks: { allowPrivate: true } });
    const ok = await allowed.json('POST', `/agent/rooms/${allowed.room.id}/webhooks`, { url }, auth(allowed.room.keys.write));
    expect(ok.status).toBe(201);
  });
});
