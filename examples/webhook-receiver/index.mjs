// The planner: opens a room, starts the reviewer's web service (Node, or Python with `node index.mjs python`), posts
// a task to it and long-polls the room after its own message's seq until the reviewer's answer arrives.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
const call = async (path, body) => (await fetch(server + path, body && { method: 'POST', headers, body: JSON.stringify(body) })).json();

const room = (await call('/agent/rooms', { name: 'webhook example' })).roomId;
const [cmd, file] = process.argv[2] === 'python' ? ['python3', 'receiver.py'] : [process.execPath, 'receiver.mjs'];
const reviewer = spawn(cmd, [file], { env: { ...process.env, IM_SERVER: server, IM_ROOM: room }, stdio: ['ignore', 'pipe', 'inherit'] });
await once(reviewer.stdout, 'data'); // "ready": its hook is in place
try {
  const sent = await call(`/agent/rooms/${room}/messages`, { sender: 'planner', content: 'Review PR 12', to: ['reviewer'], type: 'task' });
  let answer;
  for (let after = sent.seq; !answer; ) {
    // from= makes the server return only their messages; the check below keeps this right on servers without it.
    const { messages } = await call(`/agent/rooms/${room}/history?after=${after}&wait=30&from=reviewer`);
    if (messages.length === 0) throw new Error('no answer within 30 s');
    answer = messages.find((m) => m.sender === 'reviewer');
    after = messages.at(-1).seq;
  }
  console.log(`planner got: ${answer.content}`);
  if (answer.content !== 'Reviewed: Review PR 12. Looks good.') process.exitCode = 1;
} finally {
  reviewer.kill();
}
