// A typed client made from the server's own OpenAPI document: `npm run generate` writes src/schema.d.ts with
// openapi-typescript, and openapi-fetch checks every path, parameter and body below against it at compile time.
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const api = createClient<paths>({
  baseUrl: process.env.IM_SERVER ?? 'http://127.0.0.1:7331',
  ...(process.env.IM_KEY && { headers: { Authorization: `Bearer ${process.env.IM_KEY}` } }),
});

async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data === undefined) throw new Error(`${response.status}: ${JSON.stringify(error)}`); // {"error":{"code","message"}}
  return data;
}

const { roomId } = await ok(api.POST('/agent/rooms', { body: { name: 'typed-client example' } }));
const room = { path: { id: roomId } };
const post = async (body: { sender: string; content: string; to: string[]; type?: string; replyTo?: string }) => {
  const sent = await ok(api.POST('/agent/rooms/{id}/messages', { params: room, body }));
  if (!('seq' in sent)) throw new Error('one message in, one answer out'); // the route also takes a batch
  return sent;
};
const task = await post({ sender: 'planner', content: 'Review PR 12', to: ['reviewer'], type: 'task' });

// The reviewer: waits for the task after seq 0, in its own long-poll, and answers it.
const reviewer = (async () => {
  const { messages } = await ok(api.GET('/agent/rooms/{id}/history', { params: { ...room, query: { after: 0, wait: 30, as: 'reviewer' } } }));
  const got = messages.find((m) => m.to?.includes('reviewer'));
  if (!got) throw new Error('the reviewer got no task');
  await post({ sender: 'reviewer', content: `Reviewed: ${got.content}. Looks good.`, to: [got.sender], replyTo: got.id });
})();

// The planner: long-polls after its own message's seq until a message from the reviewer arrives.
let answer: string | undefined;
for (let after = task.seq; answer === undefined; ) {
  const { messages } = await ok(api.GET('/agent/rooms/{id}/history', { params: { ...room, query: { after, wait: 30, as: 'planner' } } }));
  if (messages.length === 0) throw new Error('no answer within 30 s');
  answer = messages.find((m) => m.sender === 'reviewer')?.content;
  after = messages.at(-1)!.seq;
}
await reviewer;
console.log(`planner got: ${answer}`);
if (answer !== 'Reviewed: Review PR 12. Looks good.') process.exitCode = 1;
