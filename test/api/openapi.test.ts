// GET /openapi.json: a valid OpenAPI 3.1 document (linted by a maintained validator) covering every route served, with
// every status each route answers (test/helpers/contract.ts checks every in-process answer of the suite against it).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterEach, describe, expect, test } from 'vitest';
import { ERROR_CODES, passesGate, type ErrorCode } from '../../src/api/error-codes.js';
import { ROUTES } from '../../src/api/route-table.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { testApp } from '../helpers/app.js';
import { contractProblem } from '../helpers/contract.js';
import { webhookApp } from '../helpers/webhook-app.js';

type Operation = {
  operationId: string;
  tags: string[];
  parameters?: { name: string; in: string; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
  'x-internal'?: boolean;
};
type Doc = { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

async function served() {
  const { app } = await webhookApp();
  const res = await app.request('http://127.0.0.1:4321/openapi.json');
  expect(res.status).toBe(200);
  return { app, doc: (await res.json()) as Doc };
}

const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('GET /openapi.json', () => {
  test('is valid OpenAPI 3.1', async () => {
    const { doc } = await served();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  test('the validator catches a broken document (the lint can fail)', async () => {
    const { doc } = await served();
    const broken = structuredClone(doc) as unknown as { paths: Record<string, { get: { parameters: { in: string }[] } }> };
    broken.paths['/agent/rooms/{id}']!.get.parameters[0]!.in = 'body';
    expect((await validate(broken as never)).valid).toBe(false);
  });

  test('names the server it was fetched from', async () => {
    const { doc } = await served();
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:4321' }]);
  });

  test('every route the app serves is in it, with its method', async () => {
    const { app, doc } = await served();
    const routes = app.routes.filter((r) => !r.path.endsWith('*'));
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      const missing = `${r.method} ${r.path} is served but not in src/api/route-table.ts`;
      expect(doc.paths, missing).toHaveProperty([path]);
      if (r.method !== 'ALL') expect(doc.paths[path], missing).toHaveProperty([r.method.toLowerCase()]);
    }
  });

  test('request bodies come from the validating zod schemas, by name', async () => {
    const { doc } = await served();
    const body = doc.paths['/agent/rooms']!.post!.requestBody!;
    expect(body.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/CreateRoom' });
    expect(doc.components.schemas.CreateRoom).toMatchObject({ type: 'object', required: ['name'], properties: { name: { maxLength: 200 } } });
  });

  test('named component schemas, none called Error (it would shadow the global type in generated code)', async () => {
    const { doc } = await served();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Message', 'Room', 'Agent', 'Webhook', 'ErrorResponse', 'History', 'CreatedRoom']));
    expect(doc.components.schemas).not.toHaveProperty('Error');
    expect(doc.components.schemas.History).toMatchObject({ properties: { messages: { items: { $ref: '#/components/schemas/Message' } } } });
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(doc.components.schemas, `$ref to ${name}`).toHaveProperty([name!]);
    expect(text).not.toContain('#/$defs/');
  });

  test('operationIds are unique camelCase verbs a person would write', async () => {
    const { doc } = await served();
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(get|list|create|update|delete|rotate|revoke|post|redact|read|stream|search|ack|export|resume|call|open|end)[A-Z][A-Za-z0-9]*$/);
    const at = (path: string, method: string) => doc.paths[path]![method]!.operationId;
    expect([at('/agent/rooms', 'post'), at('/agent/rooms/{id}/messages', 'post'), at('/agent/rooms/{id}/history', 'get'), at('/agent/rooms/{id}/stream', 'get')]).toEqual([
      'createRoom',
      'postMessage',
      'readHistory',
      'streamRoom',
    ]);
  });

  test('the JSON-RPC endpoints (/mcp, /agent/a2a), and only they, are x-internal and tagged json-rpc', async () => {
    const { doc } = await served();
    const internal = operations(doc).filter((o) => o.op['x-internal'] === true);
    expect(internal.map((o) => `${o.method} ${o.path}`).sort()).toEqual(['delete /mcp', 'get /mcp', 'post /agent/a2a', 'post /mcp']);
    for (const o of operations(doc)) expect(o.op.tags.includes('json-rpc'), `${o.method} ${o.path}`).toBe(o.op['x-internal'] === true);
  });

  test("history's long-poll takes from, the sender to wait for", async () => {
    const { doc } = await served();
    const params = doc.paths['/agent/rooms/{id}/history']!.get!.parameters!;
    expect(params.find((p) => p.name === 'from')).toMatchObject({ in: 'query', schema: { type: 'string' } });
  });

  test('each error status lists its codes, and the body schema holds the code to them', async () => {
    const { doc } = await served();
    const redact = doc.paths['/agent/rooms/{id}/messages/{seq}']!.delete!.responses;
    expect(redact['400']!.description).toContain('`invalid_seq`');
    expect(redact['404']!.description).toContain('`message_not_found`');
    expect(Object.keys(doc.paths['/agent/rooms/{id}/messages']!.post!.responses)).toEqual(['201', '400', '401', '403', '404', '413', '415', '429', '503']);
    expect(Object.keys(doc.paths['/agent/rooms/{id}/history']!.get!.responses)).toEqual(['200', '400', '401', '403', '404', '429', '503']);
  });
});

/** Every `new HttpError(STATUS, 'code'` in the server's source, and each code a helper is given ('invalid_room'). */
async function thrownCodes(): Promise<Map<string, number | undefined>> {
  const found = new Map<string, number | undefined>();
  const files = (await readdir('src', { recursive: true })).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = await readFile(join('src', file), 'utf8');
    for (const [, status, what] of text.matchAll(/new HttpError\(\s*(\d{3}),\s*([^,]+),/g)) {
      for (const [, code] of what!.matchAll(/'([a-z][a-z_]*)'/g)) found.set(code!, Number(status));
    }
    for (const [, code] of text.matchAll(/parsedJson\([^;]*?'(\w+)'\)/g)) found.set(code!, 400);
    for (const [, code] of text.matchAll(/\{[^}]*\bcode: '(\w+)' \}/g)) found.set(code!, 400);
    // The webhooks adapter's refusals, mapped to a status in src/server/errors.ts (webhookStatus).
    for (const [, code] of text.matchAll(/new WebhookError\(\s*'(\w+)'/g)) if (!found.has(code!)) found.set(code!, undefined);
  }
  // The store's errors, mapped in src/server/errors.ts; `corrupt` (500) and `locked` (at start) are no route's answer.
  for (const code of ['room_not_found', 'unavailable', 'limit', 'conflict']) if (!found.has(code)) found.set(code, undefined);
  return found;
}

describe('the error codes the document lists', () => {
  test('are the codes the server throws, with the same status (both ways)', async () => {
    const thrown = await thrownCodes();
    expect(thrown.size).toBeGreaterThan(25);
    for (const [code, status] of thrown) {
      expect(ERROR_CODES, `${code} is thrown in src/ but not in src/api/error-codes.ts`).toHaveProperty([code]);
      if (status !== undefined) expect(ERROR_CODES[code as ErrorCode][0], code).toBe(status);
    }
    for (const code of Object.keys(ERROR_CODES)) expect(thrown.has(code), `${code} is documented but thrown nowhere in src/`).toBe(true);
  });

  test('each is answered by some route', async () => {
    const { doc } = await served();
    const text = JSON.stringify(doc);
    // too_deep is answered only by the JSON-RPC endpoints, whose refusals are JSON-RPC error objects (-32600).
    const rpcOnly = ['too_deep'];
    for (const code of Object.keys(ERROR_CODES)) if (!rpcOnly.includes(code)) expect(text, code).toContain(`"${code}"`);
  });
});

describe('the contract check (test/helpers/contract.ts) can fail', () => {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  test.each([
    ['an undocumented status', 'GET', '/agent/rooms/r1/history', json(418, { error: { code: 'teapot', message: 'x' } }), /418, which the document does not list/],
    ['a code the status does not list', 'GET', '/agent/rooms/r1/history', json(400, { error: { code: 'invalid_seq', message: 'x' } }), /does not match/],
    ['a body that is not the schema', 'GET', '/agent/rooms/r1/history', json(200, { roomId: 'r1', messages: [{ seq: 'one' }] }), /does not match/],
    ['a method the path does not take', 'PUT', '/agent/rooms/r1/history', json(200, {}), /no PUT on this path/],
    ['another content type', 'GET', '/agent/rooms/r1', new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } }), /is text\/html/],
  ])('%s', async (_, method, url, res, problem) => {
    expect(await contractProblem(method, url, res)).toMatch(problem);
  });

  test('a right answer passes', async () => {
    expect(await contractProblem('GET', '/agent/rooms/r1/history', json(400, { error: { code: 'invalid_query', message: 'x' } }))).toBeUndefined();
  });
});

/** A concrete URL for a route, with a real room, agent, message and webhook. */
async function fixture() {
  const { app, client, json } = await webhookApp({ app: { maxBodyBytes: 4096 } });
  const room = await client.createRoom('table');
  await client.send(room.roomId, { sender: 'a', content: 'hi' });
  const agent = await json('POST', `/agent/rooms/${room.roomId}/agents`, { name: 'bot' });
  expect(agent.status).toBe(201);
  const hook = await json('POST', `/agent/rooms/${room.roomId}/webhooks`, { url: 'http://127.0.0.1:9/hook' });
  const hookId = ((await hook.json()) as { id: string }).id;
  const url = (path: string, id = room.roomId) => path.replace(':id', id).replace(':name', 'bot').replace(':hookId', hookId).replace(':seq', '1');
  return { app, url };
}

const REST = ROUTES.filter((r) => !r.jsonRpc && r.family !== 'docs');
const name = (r: (typeof ROUTES)[number]) => `${r.method.toUpperCase()} ${r.path}`;
const BODY_ROUTES = REST.filter((r) => r.body);

/** Each status every route shares is provoked on every route, and its answer (checked by testApp) is the documented one. */
describe('every route answers the statuses it documents for its key, room, body and rate', () => {
  test.each(REST.filter((r) => r.auth).map((r) => [name(r), r] as const))('401 unauthorized: %s', async (_, route) => {
    const { app } = await webhookApp({ app: { auth: { adminTokenHash: hashKey('admin-token') } } });
    const res = await app.request(route.path.replace(':id', '01jabcdefghjkmnpqrstvwxyz0').replace(/:\w+/g, 'x'), { method: route.method.toUpperCase() });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);
  });

  test('403 host_not_allowed, 404 room_not_found and 429 rate_limited on every route', async () => {
    const { app, url } = await fixture();
    for (const route of REST) {
      const method = route.method.toUpperCase();
      const host = await app.request(url(route.path), { method, headers: { host: 'evil.example' } });
      expect([name(route), host.status]).toEqual([name(route), 403]);
      if (route.path.startsWith('/agent/rooms/:id')) {
        const missing = await app.request(url(route.path, 'nosuchroom'), { method, headers: { 'content-type': 'application/json' }, body: route.body ? '{}' : null });
        expect([name(route), missing.status]).toEqual([name(route), 404]);
      }
    }
    const { app: limited } = await testApp({ rateLimit: { perSecond: 0.001, burst: 1 } });
    await limited.request('/agent/health');
    for (const route of REST.filter((r) => passesGate(r.path))) {
      const res = await limited.request(route.path.replace(/:\w+/g, 'x'), { method: route.method.toUpperCase() });
      expect([name(route), res.status]).toEqual([name(route), 429]);
    }
  });

  test.each(BODY_ROUTES.map((r) => [name(r), r] as const))('400 invalid_json, 413 body_too_large, 415 unsupported_media_type: %s', async (_, route) => {
    const { app, url } = await fixture();
    const send = (type: string, body: string) => app.request(url(route.path), { method: route.method.toUpperCase(), headers: { 'content-type': type }, body });
    const answers = [await send('application/json', '{"name":'), await send('application/json', `"${'x'.repeat(5000)}"`), await send('text/plain', '{}')];
    expect(answers.map((r) => r.status)).toEqual([400, 413, 415]);
  });
});

describe("the JSON-RPC endpoints' own answers are documented (testApp checks each)", () => {
  const accept = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const rpc = (method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', ...(params !== undefined ? { id: 1, params } : {}), method });
  const init = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'table', version: '1' } };
  test.each([
    ['MCP initialize', 'POST', '/mcp', accept, rpc('initialize', init), 200],
    ['MCP notification', 'POST', '/mcp', accept, rpc('notifications/initialized'), 202],
    ['MCP body not JSON', 'POST', '/mcp', accept, '{bad', 400],
    ['MCP without text/event-stream in Accept', 'POST', '/mcp', { 'content-type': 'application/json' }, rpc('tools/list', {}), 406],
    ['MCP body as text/plain', 'POST', '/mcp', { ...accept, 'content-type': 'text/plain' }, '{}', 415],
    ['MCP stream', 'GET', '/mcp', accept, undefined, 200],
    ['MCP session end', 'DELETE', '/mcp', accept, undefined, 200],
    ['A2A body not JSON', 'POST', '/agent/a2a', accept, '{bad', 400],
    ['A2A body as text/plain', 'POST', '/agent/a2a', { 'content-type': 'text/plain' }, '{}', 415],
    ['A2A unknown method', 'POST', '/agent/a2a', accept, rpc('nope', {}), 200],
  ])('%s', async (_, method, path, headers, body, status) => {
    const { app } = await testApp();
    const res = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
    expect(res.status).toBe(status);
    await res.body?.cancel();
  });
});

describe('answers over a real socket (the fast send path, SSE) match the document', () => {
  const servers: Listening[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  test('sends through the fast path, good and bad, and a stream', async () => {
    const { app } = await testApp({ maxBodyBytes: 4096 });
    const server = await listen(app, { host: '127.0.0.1', port: 0 });
    servers.push(server);
    const roomRes = await fetch(`${server.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"socket"}' });
    const { roomId } = (await roomRes.json()) as { roomId: string };
    const send = (path: string, type: string, body: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const messages = `/agent/rooms/${roomId}/messages`;
    const cases: [Promise<Response>, number][] = [
      [send(messages, 'application/json', '{"sender":"a","content":"hi"}'), 201],
      [send(messages, 'application/json', '[{"sender":"a","content":"1"},{"sender":"b","content":"2"}]'), 201],
      [send(messages, 'application/json', '{"sender":"a"'), 400],
      [send(messages, 'application/json', '{"sender":"a"}'), 400],
      [send(messages, 'application/json', `{"sender":"a","content":"${'x'.repeat(5000)}"}`), 413],
      [send(messages, 'text/plain', '{}'), 415],
      [send('/agent/rooms/nosuchroom/messages', 'application/json', '{"sender":"a","content":"hi"}'), 404],
    ];
    for (const [answer, status] of cases) {
      const res = await answer;
      expect([res.status, await contractProblem('POST', res.url, res)]).toEqual([status, undefined]);
    }
    const stream = await fetch(`${server.url}/agent/rooms/${roomId}/stream?after=0`);
    expect([stream.status, await contractProblem('GET', stream.url, stream)]).toEqual([200, undefined]);
    await stream.body?.cancel();
  });
});
