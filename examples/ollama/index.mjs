// The reviewer is an Ollama model behind the plain REST API: it long-polls the room for its task, asks the model for
// the review and posts it; the planner posts the task and long-polls after its own message's seq for the answer.
// OLLAMA_HOST (e.g. http://127.0.0.1:11434) and OLLAMA_MODEL pick a real Ollama; without, a scripted stand-in answers.
import { Ollama } from 'ollama';
import { startStandIn } from './stand-in.mjs';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
const call = async (path, body) => (await fetch(server + path, body && { method: 'POST', headers, body: JSON.stringify(body) })).json();
const standIn = process.env.OLLAMA_HOST ? undefined : await startStandIn();
const ollama = new Ollama({ host: process.env.OLLAMA_HOST ?? standIn.host });

/** Long-polls the room past `after` until a message matches; the server returns at most 60 s later with or without one. */
async function waitFor(room, after, as, match) {
  for (let deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const { messages } = await call(`/agent/rooms/${room}/history?after=${after}&wait=30&as=${as}`);
    const found = messages.find(match);
    if (found) return found;
    after = messages.at(-1)?.seq ?? after;
  }
  throw new Error(`${as} waited 2 minutes for nothing`);
}

const room = (await call('/agent/rooms', { name: 'ollama example' })).roomId;
const reviewer = (async () => {
  const task = await waitFor(room, 0, 'reviewer', (m) => m.to?.includes('reviewer'));
  const { message } = await ollama.chat({
    model: process.env.OLLAMA_MODEL ?? 'llama3.2',
    messages: [{ role: 'system', content: 'You review pull requests. Answer in one sentence.' }, { role: 'user', content: task.content }],
  });
  await call(`/agent/rooms/${room}/messages`, { sender: 'reviewer', content: message.content, to: [task.sender], type: 'result', replyTo: task.id });
})();

const sent = await call(`/agent/rooms/${room}/messages`, { sender: 'planner', content: 'Review PR 12', to: ['reviewer'], type: 'task' });
const answer = await waitFor(room, sent.seq, 'planner', (m) => m.sender === 'reviewer');
await reviewer;
standIn?.close();
console.log(`planner got: ${answer.content}`);
if (!answer.content) process.exitCode = 1;
