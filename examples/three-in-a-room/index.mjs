// Claude, GPT and Ollama hand a task round one room, each through a different door: Claude (AI SDK) with the tools
// of /mcp, GPT (OpenAI Agents SDK) with `im-for-agents mcp` over stdio, Ollama (ollama-js) with the REST long-poll.
// claude asks gpt for a release note, gpt drafts it and asks ollama to check it, ollama answers claude. Each waits
// after a seq it knows (0 in this new room, or its own message's), so no answer can slip by before it listens.
// ANTHROPIC_API_KEY, OPENAI_API_KEY and OLLAMA_HOST switch each to the real model; without, scripted ones play.
import { createServer } from 'node:http';
import { anthropic } from '@ai-sdk/anthropic';
import { createMCPClient } from '@ai-sdk/mcp';
import { Agent, MCPServerStdio, Usage, run, setTracingDisabled } from '@openai/agents';
import { generateText, isStepCount } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { Ollama } from 'ollama';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
const call = async (path, body) => (await fetch(server + path, body && { method: 'POST', headers, body: JSON.stringify(body) })).json();
const room = (await call('/agent/rooms', { name: 'three in a room' })).roomId;
const TASK = 'Write a one-line release note for v0.2, then have ollama check it.';

async function claude() {
  const { Authorization } = headers;
  const mcp = await createMCPClient({ transport: { type: 'http', url: `${server}/mcp?as=claude&room=${room}`, headers: Authorization ? { Authorization } : {} } });
  try {
    const script = [() => ['send', { content: TASK, to: ['gpt'], type: 'task' }], (sent) => ['wait', { after: sent.seq, from: 'ollama', timeout: 60 }]];
    const model = process.env.ANTHROPIC_API_KEY ? anthropic(process.env.ANTHROPIC_MODEL ?? 'claude-sonnet-4-5') : aiSdkScript(script);
    const prompt = `You are claude. Send gpt this task (to=["gpt"], type="task"): "${TASK}". Then call wait with from="ollama" and after=the seq send returned, and reply with ollama's answer.`;
    return (await generateText({ model, tools: await mcp.tools(), stopWhen: isStepCount(6), prompt })).text;
  } finally {
    await mcp.close();
  }
}

async function gpt() {
  const mcp = new MCPServerStdio({ command: 'npx', args: ['-y', 'im-for-agents', 'mcp', '--as', 'gpt', '--room', room], env: { ...process.env, IM_SERVER: server } });
  await mcp.connect();
  try {
    const script = [
      () => ['wait', { after: 0, to: 'gpt', timeout: 60 }],
      (got) => ['send', { content: 'Check this release note: "v0.2: a wait starts where you left off."', to: ['ollama'], type: 'task', replyTo: got.messages[0].id }],
    ];
    const instructions =
      'You are gpt. Call wait with after=0 and to="gpt" to get your task. Write the release note it asks for, then send it to ollama (to=["ollama"], type="task") asking for a check.';
    const model = process.env.OPENAI_API_KEY ? (process.env.OPENAI_MODEL ?? 'gpt-5-mini') : agentsScript(script);
    await run(new Agent({ name: 'gpt', instructions, model, mcpServers: [mcp], mcpConfig: { convertSchemasToStrict: true } }), 'Do your task.');
  } finally {
    await mcp.close();
  }
}

async function ollama() {
  const standIn = process.env.OLLAMA_HOST ? undefined : await ollamaStandIn();
  const model = new Ollama({ host: process.env.OLLAMA_HOST ?? standIn.host });
  let task;
  for (let after = 0; !task; ) {
    const { messages } = await call(`/agent/rooms/${room}/history?after=${after}&wait=30&as=ollama`);
    task = messages.find((m) => m.to?.includes('ollama'));
    after = messages.at(-1)?.seq ?? after;
  }
  const { message } = await model.chat({ model: process.env.OLLAMA_MODEL ?? 'llama3.2', messages: [{ role: 'user', content: `${task.content} Answer in one line.` }] });
  await call(`/agent/rooms/${room}/messages`, { sender: 'ollama', content: message.content, to: ['claude'], type: 'result', replyTo: task.id });
  standIn?.close();
}

if (!process.env.OPENAI_API_KEY) setTracingDisabled(true); // its traces go to OpenAI
const [answer] = await Promise.all([claude(), gpt(), ollama()]);
console.log(`claude got: ${answer}`);
const { messages } = await call(`/agent/rooms/${room}/history`);
for (const m of messages) console.log(`  #${m.seq} ${m.sender} -> ${m.to?.join(', ')}: ${m.content}`);
if (messages.map((m) => `${m.sender}>${m.to}`).join(' ') !== 'claude>gpt gpt>ollama ollama>claude') process.exitCode = 1;

/** A scripted AI SDK model: each step is a tool call made from the previous tool's JSON result; then that result as text. */
function aiSdkScript(steps) {
  return new MockLanguageModelV4({
    doGenerate: async ({ prompt }) => {
      const results = prompt.filter((m) => m.role === 'tool').flatMap((m) => m.content);
      const last = results.length ? JSON.parse(results.at(-1).output.value[0].text) : undefined;
      const step = steps[results.length]?.(last);
      const usage = { inputTokens: { total: 0 }, outputTokens: { total: 0 } };
      if (!step) return { content: [{ type: 'text', text: last.messages[0].content }], finishReason: { unified: 'stop' }, usage, warnings: [] };
      return { content: [{ type: 'tool-call', toolCallId: `c${results.length}`, toolName: step[0], input: JSON.stringify(step[1]) }], finishReason: { unified: 'tool-calls' }, usage, warnings: [] };
    },
  });
}

/** The same script as an Agents SDK Model. */
function agentsScript(steps) {
  const textOf = (o) => (typeof o === 'string' ? o : Array.isArray(o) ? o.map(textOf).join('') : o.text);
  return {
    async getResponse({ input }) {
      const results = input.filter((i) => i.type === 'function_call_result');
      const step = steps[results.length]?.(results.length ? JSON.parse(textOf(results.at(-1).output)) : undefined);
      const output = step
        ? [{ type: 'function_call', callId: `c${results.length}`, name: step[0], arguments: JSON.stringify(step[1]), status: 'completed' }]
        : [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sent.' }] }];
      return { usage: new Usage(), output };
    },
    getStreamedResponse() {
      throw new Error('the scripted model does not stream');
    },
  };
}

/** Ollama's POST /api/chat on 127.0.0.1, answering every prompt with the same check. */
async function ollamaStandIn() {
  const http = createServer(async (req, res) => {
    for await (const _ of req);
    const message = { role: 'assistant', content: 'Checked: clear and accurate, ship it.' };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ model: 'stand-in', created_at: new Date().toISOString(), message, done: true }));
  });
  await new Promise((ready) => http.listen(0, '127.0.0.1', ready));
  return { host: `http://127.0.0.1:${http.address().port}`, close: () => http.close() };
}
