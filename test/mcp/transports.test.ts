// MCP end to end with the SDK's own Client: `im-for-agents mcp` over stdio and the server's /mcp over Streamable
// HTTP, each against a real server process; a wait blocks until curl posts.
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { Message } from '../../src/api/types.js';
import { callError, callJson, curlPost, httpMcp, stdioMcp } from '../helpers/mcp.js';
import { startServer } from '../helpers/server-process.js';
import { tempDirForAll } from '../helpers/temp-dir.js';

const ADMIN = 'test-admin-token-0123456789';

type Connect = (server: string, agent: string, key?: string) => Promise<McpClient>;

// Two server processes for the whole file, one with auth off and one with --token: each test makes its own rooms.
let open: ReturnType<typeof startServer> | undefined;
let guarded: ReturnType<typeof startServer> | undefined;
const openServer = async () => (open ??= startServer(await tempDirForAll(), [], {}, { forAll: true }));
const guardedServer = async () => (guarded ??= startServer(await tempDirForAll(), ['--token', ADMIN], {}, { forAll: true }));

const transports: [string, Connect][] = [
  ['stdio (im-for-agents mcp)', (server, agent, key) => stdioMcp(server, ['--as', agent, ...(key ? ['--key', key] : [])])],
  ['Streamable HTTP (/mcp)', (server, agent, key) => httpMcp(`${server}/mcp?as=${agent}`, key ? { authorization: `Bearer ${key}` } : {})],
];

describe.each(transports)('MCP over %s', (_, connect) => {
  test('lists the tools, sends under the agent name, reads, and waits until curl posts', async () => {
    const server = await openServer();
    const api = new Client({ baseUrl: server.url });
    const { id } = await api.createRoom('handoff');
    const mcp = await connect(server.url, 'planner');
    expect((await mcp.listTools()).tools.map((t) => t.name)).toEqual(['list_rooms', 'create_room', 'send', 'read', 'wait', 'search']);

    const sent = await callJson<{ id: string; seq: number }>(mcp, 'send', { room: id, content: 'Please review PR 12', to: ['reviewer'], type: 'task' });
    expect(await api.history(id)).toEqual([expect.objectContaining({ id: sent.id, seq: 1, sender: 'planner', to: ['reviewer'], type: 'task' })]);
    expect(await callJson(mcp, 'read', { room: id })).toMatchObject({ messages: [{ sender: 'planner', content: 'Please review PR 12' }], cursor: 1 });

    const started = Date.now();
    const waiting = callJson<{ messages: Message[]; cursor: number }>(mcp, 'wait', { room: id, from: 'reviewer', after: sent.seq, timeout: 20 });
    const posted = new Promise((r) => setTimeout(r, 1500)).then(() =>
      curlPost(`${server.url}/agent/rooms/${id}/messages`, { sender: 'reviewer', content: 'LGTM', replyTo: sent.id }),
    );
    const result = await waiting;
    await posted;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(result).toMatchObject({ messages: [{ sender: 'reviewer', content: 'LGTM', replyTo: sent.id, seq: 2 }], cursor: 2 });
  });

  test('with auth on: refused without a key, works with one, and a read key cannot post', async () => {
    const server = await guardedServer();
    const admin = new Client({ baseUrl: server.url, key: ADMIN });
    const room = await admin.createRoom('secure');

    await expect(connect(server.url, 'intruder').then((c) => callJson(c, 'read', { room: room.id }))).rejects.toThrow(/401|unauthorized|needs a key/i);

    const writer = await connect(server.url, 'coder', room.keys.write);
    await callJson(writer, 'send', { room: room.id, content: 'with a key' });
    expect((await admin.history(room.id)).map((m) => [m.sender, m.content])).toEqual([['coder', 'with a key']]);

    const reader = await connect(server.url, 'watcher', room.keys.read);
    expect(await callError(reader, 'send', { room: room.id, content: 'nope' })).toMatch(/read_only_key \(HTTP 403\)/);
    expect((await callJson<{ messages: Message[] }>(reader, 'read', { room: room.id })).messages).toHaveLength(1);
  });
});

describe.each([
  ['stdio (im-for-agents mcp --key AGENT_KEY)', (server: string, key: string) => stdioMcp(server, ['--key', key])],
  ['Streamable HTTP (/mcp with Authorization: Bearer AGENT_KEY)', (server: string, key: string) => httpMcp(`${server}/mcp`, { authorization: `Bearer ${key}` })],
])('an agent key names the caller over %s', (_, connect) => {
  test('no --as, ?as= or X-Agent-Name: it sends, waits and reads its inbox as the key\'s name (was "mcp" and 403 sender_mismatch)', async () => {
    const server = await guardedServer();
    const admin = new Client({ baseUrl: server.url, key: ADMIN });
    const room = await admin.createRoom('keys');
    const { key } = await admin.addAgent(room.id, 'planner');
    const mcp = await connect(server.url, key);
    const sent = await callJson<{ id: string; seq: number }>(mcp, 'send', { room: room.id, content: 'review please', to: ['reviewer'] });
    await admin.send(room.id, { sender: 'reviewer', content: 'done', to: ['planner'] });
    // No after: the wait starts after planner's own message, so the answer that is already there comes back.
    expect(await callJson(mcp, 'wait', { room: room.id, from: 'reviewer', timeout: 5 })).toMatchObject({ messages: [{ content: 'done' }], cursor: sent.seq + 1 });
    expect(await callJson(mcp, 'read', { room: room.id, inbox: true })).toMatchObject({ messages: [{ content: 'done' }] });
    expect((await admin.history(room.id))[0]).toMatchObject({ sender: 'planner', verified: true });
  });
});

describe('MCP resource subscriptions (stdio)', () => {
  test('a subscribed room:// resource sends resources/updated when curl posts to it', async () => {
    const server = await openServer();
    const { id } = await new Client({ baseUrl: server.url }).createRoom('watched');
    const mcp = await stdioMcp(server.url, ['--as', 'watcher']);
    const updated: string[] = [];
    mcp.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await mcp.subscribeResource({ uri: `room://${id}` });
    await curlPost(`${server.url}/agent/rooms/${id}/messages`, { sender: 'someone', content: 'news' });
    await expect.poll(() => updated, { timeout: 5000 }).toEqual([`room://${id}`]);

    await mcp.unsubscribeResource({ uri: `room://${id}` });
    await curlPost(`${server.url}/agent/rooms/${id}/messages`, { sender: 'someone', content: 'more' });
    await new Promise((r) => setTimeout(r, 300));
    expect(updated).toHaveLength(1);
    await expect(mcp.subscribeResource({ uri: 'room://nosuchroom' })).rejects.toThrow(/No room/);
  });
});
