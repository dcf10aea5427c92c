// The MCP read and wait tools in inbox mode: the agent's unread messages by its name, acks, and a wait that listens.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { callJson, inMemoryMcp } from '../helpers/mcp.js';

type Page = { messages: Message[]; cursor: number };

describe('MCP inbox mode', () => {
  test('read inbox: only what is for the agent; ack marks it read; the agent name is its own', async () => {
    const { client, api } = await inMemoryMcp({ sender: 'reviewer' });
    const { id } = await api.createRoom('r');
    await api.sendBatch(id, [
      { sender: 'planner', content: 'all: standup' },
      { sender: 'planner', content: 'for coder', to: ['coder'] },
      { sender: 'planner', content: 'please look, @reviewer' },
      { sender: 'reviewer', content: 'my own' },
    ]);
    const first = await callJson<Page>(client, 'read', { room: id, inbox: true });
    expect(first.messages.map((m) => m.content)).toEqual(['all: standup', 'please look, @reviewer']);
    expect(first.cursor).toBe(4);
    // Reading moved nothing; ack does, and the next read is empty.
    expect((await callJson<Page>(client, 'read', { room: id, inbox: true })).messages).toHaveLength(2);
    expect(await callJson<Page>(client, 'read', { room: id, inbox: true, ack: first.cursor })).toEqual({ messages: [], cursor: 4 });
    expect((await api.inbox(id, { as: 'reviewer' })).cursor).toBe(4);
    expect((await api.inbox(id, { as: 'coder' })).cursor).toBe(0);
  });

  test('wait inbox: returns when something for the agent arrives, skipping what is not; listens meanwhile', async () => {
    const { client, api } = await inMemoryMcp({ sender: 'reviewer' });
    const { id } = await api.createRoom('r');
    const waiting = callJson<Page>(client, 'wait', { room: id, inbox: true, timeout: 20 });
    for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      if ((await api.presence(id)).agents.some((a) => a.name === 'reviewer' && a.listening)) break;
    }
    expect((await api.presence(id)).agents).toMatchObject([{ name: 'reviewer', listening: true }]);
    await api.send(id, { sender: 'planner', content: 'for coder', to: ['coder'] });
    await api.send(id, { sender: 'planner', content: 'review PR 12', to: ['reviewer'] });
    expect(await waiting).toMatchObject({ messages: [{ content: 'review PR 12', seq: 2 }], cursor: 2 });
    expect(await callJson(client, 'wait', { room: id, inbox: true, after: 2, timeout: 0.2 })).toEqual({ messages: [], cursor: 2 });
  });
});
