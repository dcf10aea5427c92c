// A scripted stand-in for Ollama on 127.0.0.1: it answers POST /api/chat as Ollama does (stream: false), so the
// examples run with no model installed. It plays the reviewer: with tools, it waits for a task, answers it with send,
// then stops; without, it writes the review of the last user message.
import { createServer } from 'node:http';

export async function startStandIn() {
  const http = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { model, messages, tools } = JSON.parse(body);
    const results = messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content));
    const task = results[0]?.messages?.[0];
    let message = { role: 'assistant', content: `Reviewed: ${messages.at(-1).content}. Looks good.` };
    if (tools && results.length === 0) message = call('wait', { after: 0, to: 'reviewer', timeout: 30 });
    else if (tools && results.length === 1) message = call('send', { content: `Reviewed: ${task.content}. Looks good.`, to: [task.sender], type: 'result', replyTo: task.id });
    else if (tools) message = { role: 'assistant', content: 'Answered the task.' };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ model, created_at: new Date().toISOString(), message, done: true, done_reason: 'stop' }));
  });
  await new Promise((ready) => http.listen(0, '127.0.0.1', ready));
  return { host: `http://127.0.0.1:${http.address().port}`, close: () => http.close() };
}

const call = (name, args) => ({ role: 'assistant', content: '', tool_calls: [{ function: { name, arguments: args } }] });
