// The reviewer as a web service: it listens on 127.0.0.1, adds a webhook for the messages addressed to it, checks
// each delivery's Standard Webhooks signature and answers the task in the room.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const [server, room] = [process.env.IM_SERVER ?? 'http://127.0.0.1:7331', process.env.IM_ROOM];
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
let hook;
const http = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  let task;
  try {
    task = hook.verify(body, req.headers).data; // throws unless signed with the hook's secret and under 5 minutes old
  } catch {
    return res.writeHead(401).end();
  }
  res.writeHead(204).end(); // any 2xx acknowledges; a repeat has the same webhook-id
  const answer = { sender: 'reviewer', content: `Reviewed: ${task.content}. Looks good.`, to: [task.sender], type: 'result', replyTo: task.id };
  await fetch(`${server}/agent/rooms/${room}/messages`, { method: 'POST', headers, body: JSON.stringify(answer) });
});
http.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${http.address().port}/inbox`;
  const res = await fetch(`${server}/agent/rooms/${room}/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url, to: 'reviewer' }) });
  hook = new Webhook((await res.json()).secret); // whsec_..., shown once
  console.log('ready');
});
