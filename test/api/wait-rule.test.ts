// The wait rule through every door that waits: A hands a task to B, a noisy C talks meanwhile, and B's answer lands
// before, during or after A's wait call. Each door must return B's answer (never C's noise) and a cursor that finds it.
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, test } from 'vitest';
import type { History } from '../../src/api/types.js';
import { matchesWait, waitStart } from '../../src/api/wait-rule.js';
import type { Client } from '../../src/client/client.js';
import { buildMcpServer } from '../../src/mcp/server.js';
import { testApp } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';

type App = Awaited<ReturnType<typeof testApp>>;
interface Waited {
  contents: string[];
  /** Where to go on from: `after` for the next call. */
  cursor: number;
}
type Door = (env: App, roomId: string, q: { timeoutMs: number; after?: number }) => Promise<Waited>;

const fromMessages = (messages: { content: string; seq: number }[], cursor: number | undefined, after = 0): Waited => ({
  contents: messages.map((m) => m.content),
  cursor: cursor ?? messages.at(-1)?.seq ?? after,
});

const doors: Record<string, Door> = {
  'REST long-poll (as=A&from=B)': async ({ app }, roomId, { timeoutMs, after }) => {
    const res = await app.request(`/agent/rooms/${roomId}/history?as=A&from=B&wait=${timeoutMs / 1000}${after === undefined ? '' : `&after=${after}`}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as History;
    return fromMessages(body.messages, body.cursor);
  },
  'typed client waitForMessages': async ({ fetch }, roomId, { timeoutMs, after }) => {
    const { Client } = await import('../../src/client/client.js');
    const a = new Client({ baseUrl: 'http://test', fetch, as: 'A' });
    const { messages, cursor } = await a.waitForMessages(roomId, { from: 'B', timeoutMs, ...(after !== undefined && { after }) });
    return fromMessages(messages, cursor);
  },
  'CLI wait --as A --from B': async ({ fetch }, roomId, { timeoutMs, after }) => {
    const argv = ['wait', roomId, '--as', 'A', '--from', 'B', '--json', '--timeout', String(timeoutMs / 1000), ...(after === undefined ? [] : ['--after', String(after)])];
    const { code, stdout } = await cli(argv, fetch);
    if (code === 124) return { contents: [], cursor: after ?? 0 };
    expect(code).toBe(0);
    const m = JSON.parse(stdout) as { content: string; seq: number };
    return fromMessages([m], m.seq);
  },
  'SSE stream (as=A&from=B)': async ({ fetch }, roomId, { timeoutMs, after }) => {
    const { Client } = await import('../../src/client/client.js');
    const a = new Client({ baseUrl: 'http://test', fetch, as: 'A' });
    const ac = new AbortController();
    const messages = a.stream(roomId, { from: 'B', signal: ac.signal, ...(after !== undefined && { after }) });
    // Raced: an in-process body does not end on the signal, so the read is left behind once time is up.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const next = await Promise.race([messages.next(), timedOut]);
    clearTimeout(timer);
    ac.abort();
    void messages.return(undefined);
    if (!next || next.done) return { contents: [], cursor: after ?? 0 };
    return fromMessages([next.value], next.value.seq);
  },
  'MCP wait (sender A, from B)': async ({ client }, roomId, { timeoutMs, after }) => {
    const mcp = await mcpAs(client, 'A');
    try {
      const result = await mcp.callTool({ name: 'wait', arguments: { room: roomId, from: 'B', timeout: timeoutMs / 1000, ...(after !== undefined && { after }) } });
      const body = JSON.parse((result.content as { text: string }[])[0]!.text) as { messages: { content: string; seq: number }[]; cursor: number };
      return fromMessages(body.messages, body.cursor);
    } finally {
      await mcp.close();
    }
  },
};

async function mcpAs(api: Client, sender: string): Promise<McpClient> {
  const server = buildMcpServer({ client: api, sender });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const mcp = new McpClient({ name: 'wait-rule-test', version: '1.0.0' });
  await mcp.connect(b);
  return mcp;
}

/** A's task to B, C's noise before and after it. */
async function handOff(env: App): Promise<{ roomId: string; task: number }> {
  const { roomId } = await env.client.createRoom('hand-off');
  await env.client.send(roomId, { sender: 'C', content: 'noise before' });
  const { seq: task } = await env.client.send(roomId, { sender: 'A', content: 'task', to: ['B'] });
  await env.client.send(roomId, { sender: 'C', content: 'noise after the task' });
  return { roomId, task };
}

describe.each(Object.entries(doors))('the wait rule through %s', (_, door) => {
  test('the answer landed before the wait call: found at once (the wait starts after A\'s own latest message)', async () => {
    const env = await testApp();
    const { roomId } = await handOff(env);
    await env.client.send(roomId, { sender: 'B', content: 'answer' });
    await env.client.send(roomId, { sender: 'C', content: 'noise after the answer' });
    const started = Date.now();
    const got = await door(env, roomId, { timeoutMs: 5000 });
    expect(got.contents).toEqual(['answer']);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  test('the answer lands during the wait call: it returns with the answer, not the noise', async () => {
    const env = await testApp();
    const { roomId } = await handOff(env);
    const pending = door(env, roomId, { timeoutMs: 10_000 });
    // Sent once the door waits (its name listens in presence), then noise first and the answer after.
    await expect.poll(async () => (await env.client.presence(roomId)).agents.some((a) => a.name === 'A' && a.listening)).toBe(true);
    await env.client.send(roomId, { sender: 'C', content: 'noise during' });
    await env.client.send(roomId, { sender: 'B', content: 'answer' });
    expect((await pending).contents).toEqual(['answer']);
  });

  test('the answer lands after a wait call timed out: the next call from its cursor finds it', async () => {
    const env = await testApp();
    const { roomId, task } = await handOff(env);
    const first = await door(env, roomId, { timeoutMs: 300 });
    expect(first.contents).toEqual([]);
    await env.client.send(roomId, { sender: 'C', content: 'noise between' });
    await env.client.send(roomId, { sender: 'B', content: 'answer' });
    // A door that gives no cursor on a timeout goes on from A's task, as an agent would.
    const again = await door(env, roomId, { timeoutMs: 5000, after: first.cursor || task });
    expect(again.contents).toEqual(['answer']);
    // Left without after, the wait starts after A's own message again and finds it too.
    expect((await door(env, roomId, { timeoutMs: 5000 })).contents).toEqual(['answer']);
  });
});

describe('the rule itself', () => {
  const m = (over: Partial<{ sender: string; to: string[]; type: string; mentions: string[] }>) =>
    ({ id: 'x', seq: 1, roomId: 'r', sender: 'B', content: '', createdAt: '', ...over }) as Parameters<typeof matchesWait>[0];

  test.each([
    [{}, m({}), true],
    [{ from: 'B' }, m({}), true],
    [{ from: 'B' }, m({ sender: 'C' }), false],
    [{ to: 'A' }, m({ to: ['A'] }), true],
    [{ to: 'A' }, m({ mentions: ['A'] }), true],
    [{ to: 'A' }, m({}), false],
    [{ type: 'result' }, m({ type: 'result' }), true],
    [{ from: 'B', type: 'result' }, m({ type: 'task' }), false],
  ])('matchesWait(%j) on %j is %s', (filter, message, want) => {
    expect(matchesWait(message, filter)).toBe(want);
  });

  test('a wait with no after starts after the caller\'s own latest message, else at the newest', () => {
    expect(waitStart(10, 4)).toBe(4);
    expect(waitStart(10, undefined)).toBe(10);
  });

  test('the REST cursor never passes a match it did not return (limit=1 with two answers waiting)', async () => {
    const env = await testApp();
    const { roomId } = await handOff(env);
    await env.client.send(roomId, { sender: 'B', content: 'one' });
    await env.client.send(roomId, { sender: 'B', content: 'two' });
    const first = (await (await env.app.request(`/agent/rooms/${roomId}/history?as=A&from=B&wait=1&limit=1`)).json()) as History;
    expect(first.messages.map((x) => x.content)).toEqual(['one']);
    const second = (await (await env.app.request(`/agent/rooms/${roomId}/history?as=A&from=B&wait=1&limit=1&after=${first.cursor}`)).json()) as History;
    expect(second.messages.map((x) => x.content)).toEqual(['two']);
  });

  test('an empty filter is a 400 that says so', async () => {
    const env = await testApp();
    const { roomId } = await handOff(env);
    const res = await env.app.request(`/agent/rooms/${roomId}/history?wait=1&from=`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/from must not be empty/);
  });
});
