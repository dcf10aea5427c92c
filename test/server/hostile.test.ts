// Hostile requests, in-process: each gets the right 4xx in the one error shape, and the server keeps serving.
import { describe, expect, test } from 'vitest';
import { MAX_CONTENT_LENGTH, MAX_METADATA_BYTES } from '../../src/api/limits.js';
import type { ErrorBody } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';

const R = '{room}';
const J = { 'content-type': 'application/json' };
const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
const msg = (extra: Record<string, unknown>) => JSON.stringify({ sender: 'a', content: 'b', ...extra });

type Case = [name: string, method: string, path: string, body: string | undefined, headers: Record<string, string>, status: number, code?: string];

const cases: Case[] = [
  // Bodies that are not what they claim.
  ['truncated JSON', 'POST', `/agent/rooms/${R}/messages`, '{"sender":"a","content":"b"', J, 400, 'invalid_json'],
  ['trailing garbage', 'POST', `/agent/rooms/${R}/messages`, '{"sender":"a","content":"b"}xyz', J, 400, 'invalid_json'],
  ['NaN literal', 'POST', `/agent/rooms/${R}/messages`, '{"sender":"a","content":NaN}', J, 400, 'invalid_json'],
  ['single quotes', 'POST', `/agent/rooms/${R}/messages`, "{'sender':'a','content':'b'}", J, 400, 'invalid_json'],
  ['only whitespace', 'POST', `/agent/rooms/${R}/messages`, '   \n ', J, 400, 'invalid_json'],
  ['a bare number', 'POST', `/agent/rooms/${R}/messages`, '42', J, 400, 'invalid_message'],
  ['a bare true', 'POST', `/agent/rooms/${R}/messages`, 'true', J, 400, 'invalid_message'],
  ['an array of numbers', 'POST', `/agent/rooms/${R}/messages`, '[1,2,3]', J, 400, 'invalid_message'],
  ['a batch over 1,000', 'POST', `/agent/rooms/${R}/messages`, JSON.stringify(Array.from({ length: 1001 }, () => ({ sender: 'a', content: 'b' }))), J, 400, 'invalid_message'],
  ['text/plain', 'POST', `/agent/rooms/${R}/messages`, msg({}), { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
  ['multipart', 'POST', `/agent/rooms/${R}/messages`, msg({}), { 'content-type': 'multipart/form-data; boundary=x' }, 415, 'unsupported_media_type'],
  ['json lookalike type', 'POST', `/agent/rooms/${R}/messages`, msg({}), { 'content-type': 'application/jsonx' }, 415, 'unsupported_media_type'],
  // Wrong types and sizes in fields.
  ['sender array', 'POST', `/agent/rooms/${R}/messages`, msg({ sender: ['a'] }), J, 400, 'invalid_message'],
  ['sender null', 'POST', `/agent/rooms/${R}/messages`, msg({ sender: null }), J, 400, 'invalid_message'],
  ['content object', 'POST', `/agent/rooms/${R}/messages`, msg({ content: { text: 'x' } }), J, 400, 'invalid_message'],
  ['content boolean', 'POST', `/agent/rooms/${R}/messages`, msg({ content: false }), J, 400, 'invalid_message'],
  ['content too long', 'POST', `/agent/rooms/${R}/messages`, msg({ content: 'x'.repeat(MAX_CONTENT_LENGTH + 1) }), J, 400, 'invalid_message'],
  ['sender too long', 'POST', `/agent/rooms/${R}/messages`, msg({ sender: 's'.repeat(201) }), J, 400, 'invalid_message'],
  ['to with a number', 'POST', `/agent/rooms/${R}/messages`, msg({ to: ['a', 3] }), J, 400, 'invalid_message'],
  ['to with 101 names', 'POST', `/agent/rooms/${R}/messages`, msg({ to: Array.from({ length: 101 }, (_, i) => `n${i}`) }), J, 400, 'invalid_message'],
  ['replyTo number', 'POST', `/agent/rooms/${R}/messages`, msg({ replyTo: 7 }), J, 400, 'invalid_message'],
  ['type empty', 'POST', `/agent/rooms/${R}/messages`, msg({ type: '' }), J, 400, 'invalid_message'],
  ['metadata string', 'POST', `/agent/rooms/${R}/messages`, msg({ metadata: 'x' }), J, 400, 'invalid_message'],
  ['metadata null', 'POST', `/agent/rooms/${R}/messages`, msg({ metadata: null }), J, 400, 'invalid_message'],
  ['metadata 9 deep', 'POST', `/agent/rooms/${R}/messages`, msg({ metadata: nest(9) }), J, 400, 'invalid_message'],
  ['metadata 10,000 deep', 'POST', `/agent/rooms/${R}/messages`, `{"sender":"a","content":"b","metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, J, 400, 'invalid_message'],
  ['metadata too big', 'POST', `/agent/rooms/${R}/messages`, msg({ metadata: { blob: 'x'.repeat(MAX_METADATA_BYTES) } }), J, 400, 'invalid_message'],
  ['body over the limit', 'POST', `/agent/rooms/${R}/messages`, msg({ content: 'x'.repeat(1_100_000) }), J, 413, 'body_too_large'],
  ['lying content-length', 'POST', `/agent/rooms/${R}/messages`, msg({}), { ...J, 'content-length': '99999999' }, 413, 'body_too_large'],
  ['deep array body', 'POST', `/agent/rooms/${R}/messages`, `${'['.repeat(50_000)}${']'.repeat(50_000)}`, J, 400, 'invalid_message'],
  // Unicode edge cases: stored as given, or refused cleanly.
  ['zero-width sender', 'POST', `/agent/rooms/${R}/messages`, msg({ sender: '\u200b' }), J, 201],
  ['lone surrogate content', 'POST', `/agent/rooms/${R}/messages`, '{"sender":"a","content":"\\ud800"}', J, 201],
  ['emoji and RTL', 'POST', `/agent/rooms/${R}/messages`, msg({ sender: '🤖\u202e', content: 'مرحبا 👋🏽' }), J, 201],
  ['NUL in content', 'POST', `/agent/rooms/${R}/messages`, msg({ content: 'a\u0000b' }), J, 201],
  ['newlines in sender', 'POST', `/agent/rooms/${R}/messages`, msg({ sender: 'a\r\nX-Injected: 1' }), J, 201],
  ['BOM before JSON is tolerated', 'POST', `/agent/rooms/${R}/messages`, `\ufeff${msg({})}`, J, 201],
  // Ids and paths that try to escape.
  ['dot-dot room id', 'GET', '/agent/rooms/../rooms.json/history', undefined, {}, 404],
  ['encoded traversal', 'GET', '/agent/rooms/%2e%2e%2frooms.json/history', undefined, {}, 404, 'room_not_found'],
  ['encoded slash in id', 'POST', '/agent/rooms/a%2Fb/messages', msg({}), J, 404, 'room_not_found'],
  ['NUL in id', 'GET', '/agent/rooms/abc%00def/history', undefined, {}, 404, 'room_not_found'],
  ['very long id', 'GET', `/agent/rooms/${'a'.repeat(5000)}/history`, undefined, {}, 404, 'room_not_found'],
  ['unicode id', 'GET', '/agent/rooms/%F0%9F%A4%96/history', undefined, {}, 404, 'room_not_found'],
  ['uppercase id', 'GET', '/agent/rooms/ABCDEF/history', undefined, {}, 404, 'room_not_found'],
  ['dot-dot in UI path', 'GET', '/..%2f..%2fetc%2fpasswd', undefined, {}, 404],
  ['UI path outside root', 'GET', '/%2e%2e/package.json', undefined, {}, 404],
  // Query strings.
  ['after as float', 'GET', `/agent/rooms/${R}/history?after=1.5`, undefined, {}, 400, 'invalid_query'],
  ['after as hex', 'GET', `/agent/rooms/${R}/history?after=0x10`, undefined, {}, 400, 'invalid_query'],
  ['after beyond safe integers', 'GET', `/agent/rooms/${R}/history?after=99999999999999999999`, undefined, {}, 400, 'invalid_query'],
  ['limit negative', 'GET', `/agent/rooms/${R}/history?limit=-5`, undefined, {}, 400, 'invalid_query'],
  ['wait negative', 'GET', `/agent/rooms/${R}/history?wait=-1`, undefined, {}, 400, 'invalid_query'],
  ['wait Infinity', 'GET', `/agent/rooms/${R}/history?wait=Infinity`, undefined, {}, 400, 'invalid_query'],
  ['stream after junk', 'GET', `/agent/rooms/${R}/stream?after=abc`, undefined, {}, 400, 'invalid_query'],
  ['search limit zero', 'GET', `/agent/rooms/${R}/search?q=a&limit=0`, undefined, {}, 400, 'invalid_query'],
  // Headers.
  ['Last-Event-ID injection', 'GET', `/agent/rooms/${R}/stream`, undefined, { 'last-event-id': '5 event: x' }, 400, 'invalid_last_event_id'],
  ['request id injection is replaced', 'GET', `/agent/rooms/${R}/history`, undefined, { 'x-request-id': 'a b;c<script>' }, 200],
  ['room name object', 'POST', '/agent/rooms', '{"name":{"$gt":""}}', J, 400, 'invalid_room'],
  ['room name too long', 'POST', '/agent/rooms', JSON.stringify({ name: 'n'.repeat(201) }), J, 400, 'invalid_room'],
  ['prototype pollution', 'POST', `/agent/rooms/${R}/messages`, '{"sender":"a","content":"b","__proto__":{"admin":true},"metadata":{"__proto__":{"x":1}}}', J, 201],
];

describe('hostile requests', () => {
  test('the table has at least 50 cases', () => expect(cases.length).toBeGreaterThanOrEqual(50));

  test.each(cases)('%s (%s)', async (_name, method, path, body, headers, status, code) => {
    const { app, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const res = await app.request(path.replace(R, roomId), { method, headers, ...(body !== undefined && { body }) });
    expect(res.status).toBe(status);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[\w.:-]{1,64}$/);
    if (status >= 400) {
      const { error } = (await res.json()) as ErrorBody;
      if (code) expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.requestId).toBe(requestId);
    } else await res.arrayBuffer();
    // Still serving.
    expect((await client.send(roomId, { sender: 'a', content: 'after' })).content).toBe('after');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
