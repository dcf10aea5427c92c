// MCP's tools and A2A's methods call the app in-process as their caller: each caller's inner calls count against its
// own address, so one busy caller cannot spend the others' rate limit, and its own limit still holds.
import { describe, expect, test } from 'vitest';
import { testApp } from '../helpers/app.js';

type Door = 'A2A SendMessage' | 'MCP send tool';

async function setup() {
  // Three requests per address: an outer call and its inner send take two.
  const t = await testApp({ rateLimit: { perSecond: 0.001, burst: 3 } });
  const room = await t.store.createRoom({ name: 'r', keyHashes: { write: 'w'.repeat(64), read: 'r'.repeat(64) } });
  const call = async (door: Door, address: string, n: number): Promise<{ status: number; text: string }> => {
    const request =
      door === 'A2A SendMessage'
        ? new Request('http://127.0.0.1/agent/a2a', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
            body: JSON.stringify({
              jsonrpc: '2.0', id: 1, method: 'SendMessage',
              params: { message: { messageId: `${address}-${n}`, contextId: room.id, role: 'ROLE_USER', parts: [{ text: `from ${address}` }] } },
            }),
          })
        : new Request('http://127.0.0.1/mcp', {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'send', arguments: { room: room.id, content: `from ${address}` } } }),
          });
    const res = await t.app.fetch(request, { remoteAddress: address });
    return { status: res.status, text: await res.text() };
  };
  return { ...t, room, call };
}

const refusedForRate = (r: { status: number; text: string }) => r.status === 429 || /rate_limited|HTTP 429|"code":429/.test(r.text);

describe.each<Door>(['A2A SendMessage', 'MCP send tool'])('%s in-process', (door) => {
  test('six callers, one call each: all stored (each counted against its own address); one caller past its own limit is refused', async () => {
    const t = await setup();
    const callers = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
    const answers = await Promise.all(callers.map((a) => t.call(door, a, 1)));
    expect(answers.map(refusedForRate)).toEqual(callers.map(() => false));
    expect((await t.store.read(t.room.id, { limit: 100 })).map((m) => m.content).sort()).toEqual(callers.map((a) => `from ${a}`));
    // The first caller's third token goes to its second call's outer request; the inner send finds its bucket empty.
    expect(refusedForRate(await t.call(door, '10.0.0.1', 2))).toBe(true);
    expect(await t.store.read(t.room.id, { limit: 100 })).toHaveLength(6);
  });
});
