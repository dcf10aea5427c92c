// Property: no body, valid or not, makes the server answer 500; valid ones are stored as sent.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { testApp } from '../helpers/app.js';

const field = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.jsonValue()));
const messageLike = fc.record(
  { sender: field, content: field, to: field, replyTo: field, type: field, metadata: fc.oneof(field, fc.jsonValue()) },
  { requiredKeys: [] },
);
const validMessage = fc.record(
  {
    sender: fc.string({ minLength: 1, maxLength: 50 }).filter((s) => s.trim() !== ''),
    content: fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }).filter((s) => s.trim() !== ''),
    to: fc.array(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''), { maxLength: 5 }),
    metadata: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
  },
  { requiredKeys: ['sender', 'content'] },
);
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  messageLike.map((v) => JSON.stringify(v)),
  fc.array(messageLike, { maxLength: 5 }).map((v) => JSON.stringify(v)),
  fc.string(),
  fc.string({ unit: 'binary' }),
);

describe('property: bodies never produce a 500', () => {
  test('random valid and invalid message bodies get 201 or a 4xx', async () => {
    const { app, client } = await testApp();
    const { roomId } = await client.createRoom('fuzz');
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await app.request(`/agent/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        await res.arrayBuffer();
        return res.status === 201 || (res.status >= 400 && res.status < 500);
      }),
      { numRuns: 400 },
    );
  });

  test('valid messages are stored exactly as sent', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('fuzz');
    await fc.assert(
      fc.asyncProperty(validMessage, async (input) => {
        const stored = await client.send(roomId, input);
        const [read] = await client.history(roomId, { after: stored.seq - 1, limit: 1 });
        expect(read).toEqual(stored);
        // As sent over the wire: JSON has no -0, so the comparison is with the input's JSON form.
        expect(stored).toMatchObject(JSON.parse(JSON.stringify(input)) as object);
      }),
      { numRuns: 200 },
    );
  });
});
