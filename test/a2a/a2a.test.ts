// A2A against a real server on 127.0.0.1: the official @a2a-js/sdk client (v1.0), a hand-made v0.3 request, the
// card, idempotent sends, streaming, the specification's errors, and the same rules as the HTTP send route.
import { randomUUID } from 'node:crypto';
import { AgentCard, Role, type Message as A2AMessage, type SendMessageRequest, type StreamResponse } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { afterEach, describe, expect, test } from 'vitest';
import { agentCard } from '../../src/a2a/card.js';
import { RoomAgent } from '../../src/a2a/room-agent.js';
import { SentIds } from '../../src/a2a/sent-ids.js';
import { Client } from '../../src/client/client.js';
import { createApp, DEFAULT_STREAM_LIMITS } from '../../src/server/app.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { StreamRegistry } from '../../src/server/streams.js';
import { openStore } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const ADMIN = 'ima_a2a-test-admin-token-000000';
const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: { auth?: boolean; dir?: string } = {}) {
  const store = await openStore({ dir: options.dir ?? (await tempDir()) });
  const streams = new StreamRegistry(DEFAULT_STREAM_LIMITS);
  const app = createApp({ store, streams, log: () => {}, ...(options.auth && { auth: { adminTokenHash: hashKey(ADMIN) } }) });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  servers.push(server);
  const admin = new Client({ baseUrl: server.url, ...(options.auth && { key: ADMIN }) });
  return { url: server.url, store, streams, admin, server };
}

function request(text: string, options: { contextId?: string; messageId?: string; metadata?: Record<string, unknown> } = {}): SendMessageRequest {
  return {
    tenant: '',
    configuration: undefined,
    metadata: {},
    message: {
      messageId: options.messageId ?? randomUUID(),
      contextId: options.contextId ?? '',
      taskId: '',
      role: Role.ROLE_USER,
      parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
      metadata: options.metadata ?? {},
      extensions: [],
      referenceTaskIds: [],
    },
  };
}

async function rpc(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/agent/a2a`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { id: unknown; result?: any; error?: { code: number; message: string } } };
}

describe('A2A with the official SDK client', () => {
  test('the card resolves and a send lands in the room named by contextId, with its sender', async () => {
    const { url, admin } = await serve();
    const room = await admin.createRoom('a2a room');
    const client = await new ClientFactory().createFromUrl(url);
    const answer = (await client.sendMessage(request('Research complete.', { contextId: room.id, metadata: { sender: 'researcher', to: ['planner'], type: 'result' } }))) as A2AMessage;
    expect(answer.contextId).toBe(room.id);
    expect(answer.role).toBe(Role.ROLE_AGENT);
    const [stored] = await admin.history(room.id);
    expect(stored).toMatchObject({ sender: 'researcher', content: 'Research complete.', to: ['planner'], type: 'result' });
    expect(answer.metadata).toMatchObject({ roomId: room.id, seq: 1, id: stored!.id, sender: 'researcher' });
  });

  test('without a contextId a new room is opened and the answer carries its id', async () => {
    const { url, admin } = await serve();
    const client = await new ClientFactory().createFromUrl(url);
    const answer = (await client.sendMessage(request('Anyone here?', { metadata: { sender: 'newcomer', roomName: 'from a2a' } }))) as A2AMessage;
    const room = await admin.getRoom(answer.contextId);
    expect(room).toMatchObject({ name: 'from a2a', messageCount: 1 });
    expect((await admin.history(room.id))[0]).toMatchObject({ sender: 'newcomer', content: 'Anyone here?' });
    const unnamed = (await client.sendMessage(request('no sender given'))) as A2AMessage;
    expect((await admin.history(unnamed.contextId))[0]).toMatchObject({ sender: 'a2a' });
  });

  test('a retried messageId is stored once, also when retried at once and after a restart', async () => {
    const dir = await tempDir();
    const first = await serve({ dir });
    const room = await first.admin.createRoom('idem');
    const client = await new ClientFactory().createFromUrl(first.url);
    const retried = request('exactly once', { contextId: room.id, metadata: { sender: 'a' } });
    const answers = await Promise.all([client.sendMessage(retried), client.sendMessage(retried), client.sendMessage(retried)]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const fresh = request('a new room, once', { metadata: { sender: 'a' } });
    const [x, y] = [(await client.sendMessage(fresh)) as A2AMessage, (await client.sendMessage(fresh)) as A2AMessage];
    expect(y.contextId).toBe(x.contextId);
    expect((await first.admin.history(x.contextId)).length).toBe(1);

    await first.server.close();
    await first.store.close();
    const second = await serve({ dir });
    const again = await (await new ClientFactory().createFromUrl(second.url)).sendMessage(retried);
    expect(again).toEqual(answers[0]);
    expect((await second.admin.history(room.id)).map((m) => m.content)).toEqual(['exactly once']);
  });

  test('a messageId retried after its message was redacted and the server restarted is still stored once', async () => {
    const dir = await tempDir();
    const first = await serve({ dir });
    const room = await first.admin.createRoom('idem');
    const retried = request('my token is sk-live-0000', { contextId: room.id, metadata: { sender: 'a', note: 'sk-live-0000' } });
    const answer = await (await new ClientFactory().createFromUrl(first.url)).sendMessage(retried);
    const redacted = await first.admin.redactMessage(room.id, 1);
    expect(JSON.stringify(redacted)).not.toContain('sk-live-0000');

    await first.server.close();
    await first.store.close();
    const second = await serve({ dir });
    const again = await (await new ClientFactory().createFromUrl(second.url)).sendMessage(retried);
    expect(again).toEqual(answer);
    const history = await second.admin.history(room.id);
    expect(history.map((m) => [m.seq, m.content])).toEqual([[1, '[redacted]']]);
    expect(history[0]!.metadata).toEqual({ a2a: { messageId: retried.message!.messageId } });
  });

  test('streaming: a message redacted after the room stream read it reaches the A2A stream redacted', async () => {
    const { url, admin, store } = await serve();
    const room = await admin.createRoom('live');
    const SECRET = 'sk-live-a2a-stream-0000';
    // The room stream's read that returns the secret is held until the redaction is answered.
    const read = store.read.bind(store);
    let readIt: () => void = () => {};
    const wasRead = new Promise<void>((r) => (readIt = r));
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    // A stream that is caught up writes a commit's messages as the commit hands them over, with no read in between;
    // told of the commit without them, it reads the message as a stream that is behind does.
    const subscribe = store.subscribe.bind(store);
    store.subscribe = (roomId, listener) => subscribe(roomId, () => listener([]));
    store.read = async (roomId, options) => {
      const page = await read(roomId, options);
      if (page.some((m) => m.content.includes(SECRET))) {
        readIt();
        await released;
      }
      return page;
    };
    const client = await new ClientFactory().createFromUrl(url);
    const texts: string[] = [];
    const ac = new AbortController();
    const reading = (async () => {
      for await (const event of client.sendMessageStream(request('subscribing', { contextId: room.id, metadata: { sender: 'watcher' } }), { signal: ac.signal })) {
        const p = event.payload;
        if (p?.$case === 'task') texts.push('task');
        if (p?.$case === 'statusUpdate') {
          const part = p.value.status?.message?.parts[0]?.content;
          texts.push(part?.$case === 'text' ? part.value : '');
          ac.abort();
        }
      }
    })().catch((err: Error) => {
      if (!ac.signal.aborted) throw err;
    });
    await until(() => texts.length === 1, 10_000, 'the task');
    await admin.send(room.id, { sender: 'leaky', content: `token ${SECRET}` });
    await wasRead;
    await admin.redactMessage(room.id, 2);
    release();
    await reading;
    expect(texts).toEqual(['task', '[redacted]']);
  });

  test('streaming: a message the stream has read but not handed on yet is handed on redacted once redacted', async () => {
    const { store, admin } = await serve();
    const app = createApp({ store, log: () => {} });
    const ac = new AbortController();
    // The adapter as rpc.ts builds it, read by hand: the caller takes one event and then stops reading for a while.
    const agent = new RoomAgent({
      client: new Client({ baseUrl: 'http://in-process', fetch: (input, init) => Promise.resolve(app.request(input, init)) }),
      card: AgentCard.fromJSON(agentCard('http://in-process', { auth: false, version: '1.0' })),
      sent: new SentIds(),
      signal: ac.signal,
      onRedact: (roomId, listener) => store.onRedact(roomId, listener),
    });
    const room = await admin.createRoom('held');
    const SECRET = 'sk-held-a2a-stream-0000';
    const text = (r: IteratorResult<StreamResponse>) => {
      const p = r.value?.payload;
      const part = p?.$case === 'statusUpdate' ? p.value.status?.message?.parts[0]?.content : undefined;
      return part?.$case === 'text' ? part.value : p?.$case;
    };
    const events = agent.sendMessageStream(request('subscribing', { contextId: room.id, metadata: { sender: 'watcher' } }));
    try {
      expect(text(await events.next())).toBe('task');
      // Both are stored before the room stream's first read, so they arrive in one page and the second waits.
      await admin.send(room.id, { sender: 'a', content: 'first' });
      const held = await admin.send(room.id, { sender: 'a', content: `token ${SECRET}` });
      expect(text(await events.next())).toBe('first');
      await admin.redactMessage(room.id, held.seq);
      expect(text(await events.next())).toBe('[redacted]');
    } finally {
      ac.abort();
      await events.return(undefined);
    }
  });

  test('streaming: the receipt as a task, then every following message of the room; hanging up frees the stream', async () => {
    const { url, admin, streams } = await serve();
    const room = await admin.createRoom('live');
    await admin.send(room.id, { sender: 'old', content: 'before' });
    const client = await new ClientFactory().createFromUrl(url);
    const seen: { kind: string; contextId?: string; text?: string; sender?: unknown }[] = [];
    const ac = new AbortController();
    const reading = (async () => {
      for await (const event of client.sendMessageStream(request('subscribing', { contextId: room.id, metadata: { sender: 'watcher' } }), { signal: ac.signal })) {
        const p = event.payload;
        if (p?.$case === 'task') seen.push({ kind: 'task', contextId: p.value.contextId });
        if (p?.$case === 'statusUpdate') {
          const m = p.value.status?.message;
          const part = m?.parts[0]?.content;
          seen.push({ kind: 'update', contextId: p.value.contextId, text: part?.$case === 'text' ? part.value : '', sender: m?.metadata?.sender });
        }
        if (seen.length === 3) ac.abort();
      }
    })().catch((err: Error) => {
      if (!ac.signal.aborted) throw err;
    });
    await until(() => seen.length === 1, 10_000, 'the task');
    await admin.send(room.id, { sender: 'planner', content: 'first after' });
    await admin.send(room.id, { sender: 'coder', content: 'second after' });
    await reading;
    expect(seen).toEqual([
      { kind: 'task', contextId: room.id },
      { kind: 'update', contextId: room.id, text: 'first after', sender: 'planner' },
      { kind: 'update', contextId: room.id, text: 'second after', sender: 'coder' },
    ]);
    await until(() => streams.size === 0, 5000, 'the inner room stream to close');
  });
});

describe('A2A and a deleted room', () => {
  test('its remembered sends go with it: a retry is refused as a send to a missing room, not answered as stored', async () => {
    const { url, admin } = await serve();
    const room = await admin.createRoom('doomed');
    const send = (messageId: string, contextId?: string) =>
      rpc(url, { jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId, ...(contextId && { contextId }), role: 'ROLE_USER', parts: [{ text: 'hello' }] } } }, { 'A2A-Version': '1.0' });
    const [inRoom, opening] = [randomUUID(), randomUUID()];
    expect((await send(inRoom, room.id)).body.result?.message?.contextId).toBe(room.id);
    const opened = (await send(opening)).body.result?.message?.contextId as string;
    expect((await send(opening)).body.result?.message?.contextId).toBe(opened); // remembered while the room lives
    await admin.deleteRoom(room.id);
    await admin.deleteRoom(opened);
    const retried = await send(inRoom, room.id);
    expect(retried.body.result).toBeUndefined();
    expect(retried.body.error?.message).toMatch(/is not a room on this server/);
    const reopened = (await send(opening)).body.result?.message?.contextId as string;
    expect(reopened).not.toBe(opened);
    expect((await admin.history(reopened)).map((m) => m.content)).toEqual(['hello']);
  });
});

describe('A2A by hand', () => {
  test('a v0.3 message/send without A2A-Version works, and the card has the v0.3 shape at both paths', async () => {
    const { url, admin } = await serve();
    const room = await admin.createRoom('legacy');
    const { status, body } = await rpc(url, {
      jsonrpc: '2.0',
      id: 7,
      method: 'message/send',
      params: { message: { kind: 'message', messageId: 'legacy-1', role: 'user', contextId: room.id, parts: [{ kind: 'text', text: 'hello from 0.3' }], metadata: { sender: 'old-agent' } } },
    });
    expect(status).toBe(200);
    expect(body.id).toBe(7);
    expect(body.result).toMatchObject({ kind: 'message', role: 'agent', contextId: room.id });
    expect((await admin.history(room.id))[0]).toMatchObject({ sender: 'old-agent', content: 'hello from 0.3', metadata: { a2a: { messageId: 'legacy-1' } } });

    for (const path of ['/.well-known/agent-card.json', '/.well-known/agent.json']) {
      const legacy = await (await fetch(`${url}${path}`)).json();
      expect(legacy).toMatchObject({ url: `${url}/agent/a2a`, preferredTransport: 'JSONRPC', protocolVersion: '0.3.0', capabilities: { streaming: true } });
      const v1 = await (await fetch(`${url}${path}`, { headers: { 'A2A-Version': '1.0' } })).json();
      expect(v1.url).toBeUndefined();
      expect(v1.supportedInterfaces).toContainEqual({ url: `${url}/agent/a2a`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' });
      expect(v1.skills[0].id).toBe('rooms');
    }
  });

  test.each([
    ['an unknown method', { method: 'DoSomething', params: {} }, {}, -32601],
    ['GetTask', { method: 'GetTask', params: { id: 'task-x' } }, { 'A2A-Version': '1.0' }, -32001],
    ['CancelTask', { method: 'CancelTask', params: { id: 'task-x' } }, { 'A2A-Version': '1.0' }, -32001],
    ['ListTasks', { method: 'ListTasks', params: {} }, { 'A2A-Version': '1.0' }, -32004],
    ['a push config', { method: 'CreateTaskPushNotificationConfig', params: { taskId: 't', url: 'http://x' } }, { 'A2A-Version': '1.0' }, -32003],
    ['v0.3 tasks/get', { method: 'tasks/get', params: { id: 'task-x' } }, {}, -32001],
    ['an unsupported version', { method: 'SendMessage', params: {} }, { 'A2A-Version': '0.5' }, -32009],
    ['a file part', { method: 'SendMessage', params: { message: { messageId: 'f', role: 'ROLE_USER', parts: [{ url: 'http://x/y.png' }] } } }, { 'A2A-Version': '1.0' }, -32005],
    ['an unknown contextId', { method: 'SendMessage', params: { message: { messageId: 'c', contextId: 'nosuchroom', role: 'ROLE_USER', parts: [{ text: 'x' }] } } }, { 'A2A-Version': '1.0' }, -32602],
    ['no text', { method: 'SendMessage', params: { message: { messageId: 'e', role: 'ROLE_USER', parts: [{ text: '  ' }] } } }, { 'A2A-Version': '1.0' }, -32602],
  ])('%s answers the specification error', async (_name, call, headers, code) => {
    const { url } = await serve();
    const { status, body } = await rpc(url, { jsonrpc: '2.0', id: 1, ...call }, headers);
    expect(status).toBe(200);
    expect(body.error?.code).toBe(code);
    expect(body.error?.message).toBeTruthy();
  });

  test('JSON that does not parse is -32700', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/agent/a2a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  test('metadata nested 5,000 levels deep is a clear 400 (-32600), not a stack overflow; 10 levels meets the send route\'s 8-level rule', async () => {
    const { url, admin } = await serve();
    const room = await admin.createRoom('deep');
    const send = (metadata: string) =>
      fetch(`${url}/agent/a2a`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'A2A-Version': '1.0' },
        body: `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"${randomUUID()}","contextId":"${room.id}","role":"ROLE_USER","parts":[{"text":"hi"}],"metadata":${metadata}}}}`,
      });
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const deep = await send(nested(5000));
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: unknown }).error).toEqual({ code: -32600, message: expect.stringMatching(/nested more than 16 levels deep; metadata may be nested at most 8/) });
    const ten = await send(nested(10));
    expect(((await ten.json()) as { error: unknown }).error).toMatchObject({ code: -32602, message: expect.stringContaining('metadata must be nested at most 8 levels deep') });
    expect((await send(nested(3))).status).toBe(200);
    expect(await admin.history(room.id)).toHaveLength(1);
  });

  test('the same rules as the HTTP send route: same stored fields, same refusals in the same words', async () => {
    const { url, admin } = await serve();
    const room = await admin.createRoom('equal');
    const fields = { sender: 'planner', to: ['coder'], type: 'task', replyTo: 'abc', metadata: { pr: 12 } };
    const viaHttp = await admin.send(room.id, { ...fields, content: 'review PR 12' });
    const viaA2A = await rpc(url, {
      jsonrpc: '2.0', id: 1, method: 'SendMessage',
      params: { message: { messageId: 'eq-1', contextId: room.id, role: 'ROLE_USER', parts: [{ text: 'review PR 12' }], metadata: { ...fields.metadata, sender: 'planner', to: ['coder'], type: 'task', replyTo: 'abc' } } },
    }, { 'A2A-Version': '1.0' });
    expect(viaA2A.body.error).toBeUndefined();
    const [, stored] = await admin.history(room.id);
    const strip = ({ id: _i, seq: _s, createdAt: _c, metadata, ...rest }: Record<string, any>) => ({ ...rest, metadata: { ...metadata, a2a: undefined } });
    expect(strip(stored!)).toEqual(strip(viaHttp));

    for (const bad of [{ sender: 'x'.repeat(201) }, { sender: 'a', to: 'not-a-list-of-names'.repeat(20).split('').map(() => 5) }, { sender: 'a', type: '' }]) {
      const http = await fetch(`${url}/agent/rooms/${room.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...bad, content: 'c' }) });
      const httpError = ((await http.json()) as { error: { message: string } }).error.message;
      const a2a = await rpc(url, { jsonrpc: '2.0', id: 2, method: 'SendMessage', params: { message: { messageId: randomUUID(), contextId: room.id, role: 'ROLE_USER', parts: [{ text: 'c' }], metadata: bad } } }, { 'A2A-Version': '1.0' });
      expect(http.status).toBe(400);
      expect(a2a.body.error).toMatchObject({ code: -32602, message: httpError });
    }
    expect((await admin.history(room.id)).length).toBe(2);
  });
});

describe('A2A with auth on', () => {
  test('the card declares Bearer auth; keys decide as on the room routes', async () => {
    const { url, admin } = await serve({ auth: true });
    const room = await admin.createRoom('locked');
    const card = await (await fetch(`${url}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } })).json();
    expect(card.securitySchemes.bearer.httpAuthSecurityScheme.scheme).toBe('Bearer');
    const send = (key: string | undefined, contextId?: string) =>
      rpc(url, { jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hi' }], ...(contextId && { contextId }), metadata: { sender: 's' } } } }, {
        'A2A-Version': '1.0',
        ...(key && { authorization: `Bearer ${key}` }),
      });
    expect((await send(undefined, room.id)).status).toBe(401);
    expect((await send(undefined, room.id)).body.error?.code).toBe(401);
    expect((await send(room.keys.read, room.id)).body.error?.code).toBe(403);
    expect((await send(room.keys.write)).body.error?.code).toBe(403); // opening a room needs the admin token
    expect((await send(room.keys.write, room.id)).body.result?.message?.contextId).toBe(room.id);
    expect((await send(ADMIN)).body.result?.message?.contextId).toMatch(/^[a-z2-7]{26}$/);

    // An agent key signs: no metadata.sender means the key's name; another name is the route's sender_mismatch.
    const agent = (await (await fetch(`${url}/agent/rooms/${room.id}/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${room.keys.write}` },
      body: JSON.stringify({ name: 'signed-bot' }),
    })).json()) as { key: string };
    const unsigned = await rpc(url, { jsonrpc: '2.0', id: 3, method: 'SendMessage', params: { message: { messageId: randomUUID(), contextId: room.id, role: 'ROLE_USER', parts: [{ text: 'by key' }] } } }, {
      'A2A-Version': '1.0',
      authorization: `Bearer ${agent.key}`,
    });
    expect(unsigned.body.result?.message?.metadata).toMatchObject({ sender: 'signed-bot' });
    expect((await admin.history(room.id)).at(-1)).toMatchObject({ sender: 'signed-bot', content: 'by key', verified: true });
    const spoofed = await rpc(url, { jsonrpc: '2.0', id: 4, method: 'SendMessage', params: { message: { messageId: randomUUID(), contextId: room.id, role: 'ROLE_USER', parts: [{ text: 'x' }], metadata: { sender: 'someone-else' } } } }, {
      'A2A-Version': '1.0',
      authorization: `Bearer ${agent.key}`,
    });
    expect(spoofed.status).toBe(403);
    expect(spoofed.body.error).toMatchObject({ code: 403, message: expect.stringContaining('this agent key posts as "signed-bot"') });

    const client = await new ClientFactory().createFromUrl(url);
    const answer = (await client.sendMessage(request('with the SDK', { contextId: room.id, metadata: { sender: 'sdk' } }), {
      serviceParameters: { authorization: `Bearer ${room.keys.write}` },
    })) as A2AMessage;
    expect(answer.contextId).toBe(room.id);
  });
});
