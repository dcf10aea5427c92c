// /mcp at the HTTP level: the API's own gate (key, Host/Origin) answers before MCP does, in the one error shape.
import { describe, expect, test } from 'vitest';
import { hashKey } from '../../src/server/auth/keys.js';
import { StreamRegistry } from '../../src/server/streams.js';
import { testApp } from '../helpers/app.js';

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('/mcp over HTTP', () => {
  test('answers initialize, statelessly (no session id)', async () => {
    const { app } = await testApp();
    const res = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: mcpHeaders, body: JSON.stringify(initialize) });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(await res.text()).toMatch(/"serverInfo":\{"name":"im-for-agents"/);
  });

  test('with auth on, no key is a 401 in the API error shape; an unknown key too', async () => {
    const { app } = await testApp({ auth: { adminTokenHash: hashKey('admin-token-for-tests-0123') } });
    const body = JSON.stringify(initialize);
    const none = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: mcpHeaders, body });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: { ...mcpHeaders, authorization: 'Bearer imw_nope' }, body });
    expect(wrong.status).toBe(401);
    const admin = await app.request('http://127.0.0.1/mcp', {
      method: 'POST', headers: { ...mcpHeaders, authorization: 'Bearer admin-token-for-tests-0123' }, body,
    });
    expect(admin.status).toBe(200);
  });

  test('a 401 carries WWW-Authenticate with the server\'s message, so MCP clients show it instead of starting an OAuth login', async () => {
    const { app } = await testApp({ auth: { adminTokenHash: hashKey('admin-token-for-tests-0123') } });
    const body = JSON.stringify(initialize);
    const none = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: mcpHeaders, body });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="im-for-agents", error_description="This server needs a key: send 'Authorization: Bearer KEY'/);
    const wrong = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: { ...mcpHeaders, authorization: 'Bearer imw_nope' }, body });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="im-for-agents", error="invalid_token", error_description="This key is not valid on this server."');
  });

  // AI SDK 7's client first tries 2026-07-28 (server/discover). It falls back to initialize after a refusal that is not
  // one of the new protocol's codes (-32020..-32022); after a -32022 that lists only older versions it gives up on
  // purpose ("the client does not automatically switch to legacy initialization"), which broke examples/ai-sdk. So the
  // MCP SDK's own refusal stands until a published SDK speaks 2026-07-28.
  test.each([
    ['the MCP-Protocol-Version header', { 'mcp-protocol-version': '2026-07-28' }, {}],
    ['_meta, as a stateless 2026-07-28 client sends it', {}, { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }],
  ])('a newer protocol version in %s is refused with an error a new client falls back from (not -32020..-32022)', async (_, headers, params) => {
    const { app } = await testApp();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'server/discover', params });
    const res = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: { ...mcpHeaders, ...headers }, body });
    const text = await res.text();
    const answer = JSON.parse(text.startsWith('{') ? text : /^data: (.*)$/m.exec(text)![1]!) as { error?: { code: number } };
    expect(answer.error?.code).toBeTypeOf('number');
    expect([-32020, -32021, -32022]).not.toContain(answer.error!.code);
    // The fallback, initialize with a supported version, is served.
    const ok = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: { ...mcpHeaders, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify(initialize) });
    expect(ok.status).toBe(200);
  });

  test('refuses DNS rebinding (a foreign Host while auth is off) and foreign browser origins', async () => {
    const { app } = await testApp();
    const body = JSON.stringify(initialize);
    const rebound = await app.request('http://evil.example/mcp', { method: 'POST', headers: { ...mcpHeaders, host: 'evil.example' }, body });
    expect(rebound.status).toBe(403);
    expect(await rebound.json()).toMatchObject({ error: { code: 'host_not_allowed' } });
    const foreign = await app.request('http://127.0.0.1/mcp', { method: 'POST', headers: { ...mcpHeaders, origin: 'https://evil.example' }, body });
    expect(foreign.status).toBe(403);
  });
});

describe('/mcp bodies', () => {
  test('arguments nested 5,000 levels deep are a clear 400 in JSON-RPC words, not a stack overflow; the next call works', async () => {
    const { app, client } = await testApp();
    const { id } = await client.createRoom('r');
    const call = (metadata: string) =>
      app.request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: mcpHeaders,
        body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send","arguments":{"room":"${id}","content":"x","metadata":${metadata}}}}`,
      });
    const deep = await call(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/nested more than 16 levels deep; metadata may be nested at most 8/) } });
    // The tool's metadata is a JSON object written as a string; the server holds it to the send route's 8 levels.
    expect(await (await call(JSON.stringify(`${'{"a":'.repeat(10)}1${'}'.repeat(10)}`))).text()).toContain('metadata must be nested at most 8 levels deep');
    const ok = await (await call(JSON.stringify('{"pr":12}'))).text();
    expect(ok).toContain('"result"');
    expect(ok).not.toContain('"isError":true');
    expect(await client.history(id)).toHaveLength(1);
  });
});

describe('/mcp wait and hang-ups', () => {
  const waitCall = (room: string, timeout: number) =>
    JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'wait', arguments: { room, timeout } } });

  test('a caller hanging up mid-wait frees its long-poll slot at once', async () => {
    const streams = new StreamRegistry({ perClient: 1, total: 10, idleMs: 60_000 });
    const { app, client } = await testApp({ streams });
    const { id } = await client.createRoom('r');
    const post = (body: string, signal?: AbortSignal) =>
      app.request('http://127.0.0.1/mcp', { method: 'POST', headers: mcpHeaders, body, ...(signal && { signal }) });

    const hungUp = new AbortController();
    const first = await post(waitCall(id, 30), hungUp.signal);
    expect(first.status).toBe(200);
    // While it waits, the one slot is taken: a second wait is refused with the API's own 429.
    expect(await (await post(waitCall(id, 1))).text()).toMatch(/too_many_streams \(HTTP 429\)/);
    hungUp.abort();
    await first.body?.cancel().catch(() => {});
    await expect
      .poll(async () => (await (await post(waitCall(id, 0.2))).text()).includes('too_many_streams'), { timeout: 5000 })
      .toBe(false);
  });
});
