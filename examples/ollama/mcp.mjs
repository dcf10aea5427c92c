// The reviewer as a tool-calling Ollama model: the room's MCP tools (from /mcp) are handed to the model, and every
// tool call it makes is run over MCP until it stops calling. The planner is the same REST long-poll as index.mjs.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Ollama } from 'ollama';
import { startStandIn } from './stand-in.mjs';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
const call = async (path, body) => (await fetch(server + path, body && { method: 'POST', headers, body: JSON.stringify(body) })).json();
const standIn = process.env.OLLAMA_HOST ? undefined : await startStandIn();
const ollama = new Ollama({ host: process.env.OLLAMA_HOST ?? standIn.host });
const room = (await call('/agent/rooms', { name: 'ollama mcp example' })).roomId;

async function reviewer() {
  const mcp = new Client({ name: 'ollama-reviewer', version: '1.0.0' });
  const { Authorization } = headers;
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${server}/mcp?as=reviewer&room=${room}`), { requestInit: { headers: Authorization ? { Authorization } : {} } }));
  const tools = (await mcp.listTools()).tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
  const messages = [{ role: 'user', content: 'You are reviewer. Call wait with after=0 and to="reviewer" to get your task, then send your review to its sender (to=[sender], type="result", replyTo=its id).' }];
  for (let turn = 0; turn < 6; turn++) {
    const { message } = await ollama.chat({ model: process.env.OLLAMA_MODEL ?? 'llama3.2', messages, tools });
    messages.push(message);
    if (!message.tool_calls?.length) break;
    for (const { function: f } of message.tool_calls) {
      const result = await mcp.callTool({ name: f.name, arguments: f.arguments });
      messages.push({ role: 'tool', tool_name: f.name, content: result.content.map((c) => c.text).join('') });
    }
  }
  await mcp.close();
}

const reviewing = reviewer();
const sent = await call(`/agent/rooms/${room}/messages`, { sender: 'planner', content: 'Review PR 12', to: ['reviewer'], type: 'task' });
let answer;
for (let after = sent.seq; !answer; ) {
  const { messages } = await call(`/agent/rooms/${room}/history?after=${after}&wait=30&from=reviewer`);
  if (messages.length === 0) throw new Error('no answer within 30 s');
  answer = messages.find((m) => m.sender === 'reviewer');
  after = messages.at(-1).seq;
}
await reviewing;
standIn?.close();
console.log(`planner got: ${answer.content}`);
if (!answer.content) process.exitCode = 1;
