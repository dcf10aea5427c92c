// A name with an agent key is that key's alone: no other room key may read or ack its inbox, wait or stream as it,
// or appear as it in presence, through any door (REST, /mcp with ?as= or X-Agent-Name); the admin token may.
import { describe, expect, test } from 'vitest';
import type { PresenceEntry } from '../../src/api/presence.js';
import type { CreatedAgent, CreatedRoom } from '../../src/api/types.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';

const ADMIN = 'ima_caller-name-admin-token-012345';

type Cred = 'read' | 'write' | "bob's agent key" | "alice's agent key" | 'admin';
type Outcome = 'acts as alice' | 'refused';

async function setup() {
  const t = await testApp({ auth: { adminTokenHash: hashKey(ADMIN) } });
  const admin = { authorization: `Bearer ${ADMIN}` };
  const room = (await (await t.json('POST', '/agent/rooms', { name: 'r' }, admin)).json()) as CreatedRoom;
  const agent = async (name: string) => (await (await t.json('POST', `/agent/rooms/${room.roomId}/agents`, { name }, admin)).json()) as CreatedAgent;
  const [alice, bob] = [await agent('alice'), await agent('bob')];
  expect((await t.json('POST', `/agent/rooms/${room.roomId}/messages`, { sender: 'carol', content: 'hi all' }, admin)).status).toBe(201);
  const keys: Record<Cred, string> = { read: room.keys.read, write: room.keys.write, "bob's agent key": bob.key, "alice's agent key": alice.key, admin: ADMIN };
  return { ...t, room, base: `/agent/rooms/${room.roomId}`, admin, headers: (cred: Cred) => ({ authorization: `Bearer ${keys[cred]}` }) };
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** A refusal must be the 403 sender_mismatch; anything else that is not a success fails the test. */
async function outcome(res: Response): Promise<Outcome> {
  if (res.status === 200) {
    await res.body?.cancel();
    return 'acts as alice';
  }
  expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 403, body: { error: { code: 'sender_mismatch' } } });
  return 'refused';
}

/** One MCP tool call over /mcp; `name` is how the caller names itself (?as= or X-Agent-Name). */
async function mcpTool(t: Setup, cred: Cred, how: 'query' | 'header', tool: string, args: object): Promise<Outcome> {
  const res = await t.app.request(`http://127.0.0.1/mcp${how === 'query' ? '?as=alice' : ''}`, {
    method: 'POST',
    headers: {
      ...t.headers(cred),
      ...(how === 'header' && { 'x-agent-name': 'alice' }),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: { room: t.room.roomId, ...args } } }),
  });
  // Another agent's key naming alice is refused at /mcp's door (403); a room key naming her, by the tool's call.
  if (res.status !== 200) return outcome(res);
  const text = await res.text();
  if (text.includes('sender_mismatch')) return 'refused';
  expect(text).not.toContain('"isError":true');
  return 'acts as alice';
}

const DOORS: Record<string, (t: Setup, cred: Cred) => Promise<Outcome>> = {
  'GET inbox?as=': async (t, cred) => outcome(await t.app.request(`${t.base}/inbox?as=alice`, { headers: t.headers(cred) })),
  'POST inbox/ack {as}': async (t, cred) => outcome(await t.json('POST', `${t.base}/inbox/ack`, { as: 'alice', seq: 1 }, t.headers(cred))),
  'long-poll history?wait&as=': async (t, cred) => outcome(await t.app.request(`${t.base}/history?wait=5&after=0&as=alice`, { headers: t.headers(cred) })),
  'SSE stream?as=': async (t, cred) => outcome(await t.app.request(`${t.base}/stream?as=alice`, { headers: t.headers(cred) })),
  'presence after a request with ?as=': async (t, cred) => {
    expect((await t.app.request(`${t.base}/history?as=alice`, { headers: t.headers(cred) })).status).toBe(200);
    const { agents } = (await (await t.app.request(`${t.base}/presence`, { headers: t.admin })).json()) as { agents: PresenceEntry[] };
    return agents.find((a) => a.name === 'alice')?.lastSeenAt ? 'acts as alice' : 'refused';
  },
  'MCP read inbox, /mcp?as=': (t, cred) => mcpTool(t, cred, 'query', 'read', { inbox: true, ack: 1 }),
  'MCP read inbox, X-Agent-Name': (t, cred) => mcpTool(t, cred, 'header', 'read', { inbox: true }),
  'MCP wait, /mcp?as=': (t, cred) => mcpTool(t, cred, 'query', 'wait', { timeout: 0.2 }),
};

const EXPECTED: Record<Cred, Outcome> = {
  read: 'refused',
  write: 'refused',
  "bob's agent key": 'refused',
  "alice's agent key": 'acts as alice',
  admin: 'acts as alice',
};

describe('a name with an agent key cannot be borrowed', () => {
  const rows = Object.keys(DOORS).flatMap((door) => (Object.keys(EXPECTED) as Cred[]).map((cred) => [door, cred] as const));
  test.each(rows)('%s with the %s', async (door, cred) => {
    const t = await setup();
    expect(await DOORS[door]!(t, cred)).toBe(EXPECTED[cred]);
    // The refused caller moved nothing: alice's cursor is where it was.
    if (EXPECTED[cred] === 'refused') expect(await t.store.getCursor(t.room.roomId, 'alice')).toBe(0);
  });

  test.each(Object.keys(DOORS))('once alice is revoked, the read key may act as her again: %s', async (door) => {
    const t = await setup();
    expect(await t.store.removeAgent(t.room.roomId, 'alice')).toBe(true);
    expect(await DOORS[door]!(t, 'read')).toBe('acts as alice');
  });
});
