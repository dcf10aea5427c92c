// Bad input gets a 4xx in the one error shape, saying what to fix, and the server keeps serving.
import { describe, expect, test } from 'vitest';
import type { ErrorBody } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';

const ROOM = '{room}';

type Case = [name: string, method: string, path: string, body: string | undefined, headers: Record<string, string>, status: number, code: string, says: RegExp];

const json = { 'content-type': 'application/json' };
const cases: Case[] = [
  ['malformed JSON', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":', json, 400, 'invalid_json', /not valid JSON/],
  ['empty body', 'POST', `/agent/rooms/${ROOM}/messages`, '', json, 400, 'invalid_json', /empty/],
  ['no content type', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"a","content":"b"}', {}, 415, 'unsupported_media_type', /Content-Type: application\/json/],
  ['form content type', 'POST', `/agent/rooms/${ROOM}/messages`, 'sender=a', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type', /application\/json/],
  ['missing sender', 'POST', `/agent/rooms/${ROOM}/messages`, '{"content":"b"}', json, 400, 'invalid_message', /sender is required/],
  ['missing content', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"a"}', json, 400, 'invalid_message', /content is required/],
  ['empty sender', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"","content":"b"}', json, 400, 'invalid_message', /sender must not be empty/],
  ['blank content', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"a","content":"   "}', json, 400, 'invalid_message', /content must not be empty/],
  ['numeric content', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"a","content":5}', json, 400, 'invalid_message', /content must be a string/],
  ['object sender', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":{},"content":"b"}', json, 400, 'invalid_message', /sender must be a string/],
  ['array metadata', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"a","content":"b","metadata":[1]}', json, 400, 'invalid_message', /metadata must be a JSON object/],
  ['numeric to', 'POST', `/agent/rooms/${ROOM}/messages`, '{"sender":"a","content":"b","to":5}', json, 400, 'invalid_message', /to must be an array/],
  ['body is a string', 'POST', `/agent/rooms/${ROOM}/messages`, '"hello"', json, 400, 'invalid_message', /JSON object with sender and content/],
  ['body is null', 'POST', `/agent/rooms/${ROOM}/messages`, 'null', json, 400, 'invalid_message', /JSON object/],
  ['empty batch', 'POST', `/agent/rooms/${ROOM}/messages`, '[]', json, 400, 'invalid_message', /at least one message/],
  ['oversized body', 'POST', `/agent/rooms/${ROOM}/messages`, JSON.stringify({ sender: 'a', content: 'x'.repeat(2 * 1024 * 1024) }), json, 413, 'body_too_large', /larger than \d+ bytes/],
  ['unknown room', 'POST', '/agent/rooms/doesnotexist/messages', '{"sender":"a","content":"b"}', json, 404, 'room_not_found', /No room with id "doesnotexist"/],
  ['unknown room history', 'GET', '/agent/rooms/doesnotexist/history', undefined, {}, 404, 'room_not_found', /addressed by the id .*not by their name.*room create NAME/],
  ['room id with a path', 'GET', '/agent/rooms/..%2F..%2Fetc/history', undefined, {}, 404, 'room_not_found', /No room/],
  ['unknown route', 'GET', '/agent/nothing-here', undefined, {}, 404, 'not_found', /No route GET \/agent\/nothing-here/],
  ['unknown method', 'PUT', `/agent/rooms/${ROOM}`, undefined, {}, 405, 'method_not_allowed', /takes GET or PATCH or DELETE, not PUT/],
  ['reading with GET on the send path', 'GET', `/agent/rooms/${ROOM}/messages`, undefined, {}, 405, 'method_not_allowed', /takes POST, not GET\. To read a room, use GET \/agent\/rooms\/ROOM_ID\/history/],
  ['room without name', 'POST', '/agent/rooms', '{}', json, 400, 'invalid_room', /name is required/],
  ['room name of wrong type', 'POST', '/agent/demo/room', '{"name":3}', json, 400, 'invalid_room', /name must be a string/],
  ['negative after', 'GET', `/agent/rooms/${ROOM}/history?after=-1`, undefined, {}, 400, 'invalid_query', /after must be a whole number/],
  ['limit too large', 'GET', `/agent/rooms/${ROOM}/history?limit=5000`, undefined, {}, 400, 'invalid_query', /limit must be a whole number from 1 to 1000/],
  ['limit zero', 'GET', `/agent/rooms/${ROOM}/history?limit=0`, undefined, {}, 400, 'invalid_query', /limit/],
  ['wait not a number', 'GET', `/agent/rooms/${ROOM}/history?wait=soon`, undefined, {}, 400, 'invalid_query', /wait must be a number of seconds/],
];

describe('bad input', () => {
  test.each(cases)('%s → %i', async (_name, method, path, body, headers, status, code, says) => {
    const { app, client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const res = await app.request(path.replace(ROOM, roomId), { method, headers, ...(body !== undefined && { body }) });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(says);
    // Still serving, and nothing was stored by the bad request.
    const ok = await client.send(roomId, { sender: 'a', content: 'after' });
    expect(ok.seq).toBe(1);
  });
});
