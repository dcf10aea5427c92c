// The MCP tools through the SDK's own Client (in memory, over an in-process app): budget, behaviour, errors.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { callError, callJson, inMemoryMcp } from '../helpers/mcp.js';

/** The README's figure: tools/list must stay under this many tokens (characters of its JSON / 4). */
const TOOL_LIST_TOKEN_BUDGET = 1000;

describe('MCP tools', () => {
  test(`tools/list stays under ${TOOL_LIST_TOKEN_BUDGET} tokens`, async () => {
    const { client } = await inMemoryMcp({ room: 'abcdefghijklmnopqrstuvwxyz' });
    const list = await client.listTools();
    const tokens = Math.ceil(JSON.stringify(list).length / 4);
    process.stderr.write(`tools/list: ${JSON.stringify(list).length} characters, about ${tokens} tokens\n`);
    expect(list.tools.map((t) => t.name)).toEqual(['list_rooms', 'create_room', 'send', 'read', 'wait', 'search']);
    expect(tokens).toBeLessThan(TOOL_LIST_TOKEN_BUDGET);
  });

  test('create, send, read with a cursor, search: all through the HTTP API', async () => {
    const { client, api } = await inMemoryMcp({ sender: 'planner' });
    const room = await callJson<{ id: string; keys: { write: string } }>(client, 'create_room', { name: 'build' });
    expect(room.keys.write).toMatch(/^imw_/);
    const sent = await callJson<{ id: string; seq: number }>(client, 'send', {
      room: room.id, content: 'Please review PR 12', to: ['reviewer'], type: 'task', metadata: '{"pr":12}',
    });
    expect(sent.seq).toBe(1);
    const [stored] = await api.history(room.id);
    expect(stored).toMatchObject({ id: sent.id, sender: 'planner', content: 'Please review PR 12', to: ['reviewer'], type: 'task', metadata: { pr: 12 } });

    await api.send(room.id, { sender: 'reviewer', content: 'LGTM', replyTo: sent.id });
    const first = await callJson<{ messages: Message[]; cursor: number }>(client, 'read', { room: room.id, limit: 1, after: 0 });
    expect(first.messages.map((m) => m.seq)).toEqual([1]);
    const next = await callJson<{ messages: Message[]; cursor: number }>(client, 'read', { room: room.id, after: first.cursor });
    expect(next).toMatchObject({ messages: [{ sender: 'reviewer', replyTo: sent.id }], cursor: 2 });
    const none = await callJson<{ messages: Message[]; cursor: number }>(client, 'read', { room: room.id, after: next.cursor });
    expect(none).toEqual({ messages: [], cursor: 2 });

    const found = await callJson<{ messages: Message[] }>(client, 'search', { room: room.id, q: 'lgtm' });
    expect(found.messages.map((m) => m.content)).toEqual(['LGTM']);
    const rooms = await callJson<{ rooms: { id: string }[]; next: string | null }>(client, 'list_rooms');
    expect(rooms).toEqual({ rooms: [expect.objectContaining({ id: room.id })], next: null });
  });

  test('the default room is used when a call gives none; without one the error says what to do', async () => {
    const { client, api, room } = await inMemoryMcp({ room: true });
    await callJson(client, 'send', { content: 'hello' });
    expect((await callJson<{ messages: Message[] }>(client, 'read')).messages.map((m) => m.content)).toEqual(['hello']);
    expect((await api.history(room!)).map((m) => m.content)).toEqual(['hello']);
    const { client: bare } = await inMemoryMcp();
    expect(await callError(bare, 'send', { content: 'x' })).toMatch(/Give room/);
  });

  test("the server's own validation answers bad input, as a tool error naming the fix", async () => {
    const { client, api } = await inMemoryMcp();
    const { id } = await api.createRoom('r');
    expect(await callError(client, 'send', { room: id, content: '   ' })).toMatch(/invalid_message \(HTTP 400\): content must not be empty/);
    expect(await callError(client, 'read', { room: 'nope' })).toMatch(/HTTP 404/);
    expect(await api.history(id)).toEqual([]);
  });

  test('wait returns the matching messages and a cursor, skipping others; times out with none', async () => {
    const { client, api } = await inMemoryMcp({ sender: 'planner' });
    const { id } = await api.createRoom('r');
    const waiting = callJson<{ messages: Message[]; cursor: number }>(client, 'wait', { room: id, from: 'reviewer', timeout: 10 });
    await new Promise((r) => setTimeout(r, 200));
    await api.send(id, { sender: 'bystander', content: 'noise' });
    await api.sendBatch(id, [{ sender: 'reviewer', content: 'done' }, { sender: 'bystander', content: 'more noise' }]);
    expect(await waiting).toMatchObject({ messages: [{ sender: 'reviewer', content: 'done', seq: 2 }], cursor: 3 });

    const started = Date.now();
    expect(await callJson(client, 'wait', { room: id, after: 3, timeout: 0.3 })).toEqual({ messages: [], cursor: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test('rooms are resources, read as the room and its newest messages', async () => {
    const { client, api } = await inMemoryMcp();
    const { id } = await api.createRoom('team');
    await api.send(id, { sender: 'a', content: 'one' });
    const { resources } = await client.listResources();
    expect(resources).toEqual([expect.objectContaining({ uri: `room://${id}`, name: 'team', mimeType: 'application/json' })]);
    const read = await client.readResource({ uri: `room://${id}` });
    const body = JSON.parse((read.contents[0] as { text: string }).text) as { room: { id: string }; messages: Message[] };
    expect(body.room.id).toBe(id);
    expect(body.messages.map((m) => m.content)).toEqual(['one']);
  });
});
