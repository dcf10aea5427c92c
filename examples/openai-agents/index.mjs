// An OpenAI Agents SDK agent in a room over MCP stdio (`im-for-agents mcp`, a local process), with the tools'
// schemas converted to OpenAI's strict mode: the planner sends a task and waits from the reviewer after its own
// message's seq; the reviewer here is a plain REST client. GPT when OPENAI_API_KEY is set, otherwise a scripted
// model (the SDK's Model interface) makes the same calls.
import { Agent, MCPServerStdio, Usage, getAllMcpTools, run, setTracingDisabled } from '@openai/agents';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
const call = async (path, body) => (await fetch(server + path, body && { method: 'POST', headers, body: JSON.stringify(body) })).json();
if (!process.env.OPENAI_API_KEY) setTracingDisabled(true); // its traces go to OpenAI
const room = (await call('/agent/rooms', { name: 'openai-agents example' })).roomId;

// The reviewer: long-polls for its task from seq 0 of this new room and answers it.
const reviewer = (async () => {
  for (let after = 0; ; ) {
    const { messages } = await call(`/agent/rooms/${room}/history?after=${after}&wait=30&as=reviewer`);
    const task = messages.find((m) => m.to?.includes('reviewer'));
    if (task) return call(`/agent/rooms/${room}/messages`, { sender: 'reviewer', content: `Reviewed: ${task.content}. Looks good.`, to: [task.sender], type: 'result', replyTo: task.id });
    after = messages.at(-1)?.seq ?? after;
  }
})();

// npx finds im-for-agents in node_modules when installed there (npm i ./im-for-agents-VERSION.tgz), else on npm.
const mcp = new MCPServerStdio({ command: 'npx', args: ['-y', 'im-for-agents', 'mcp', '--as', 'planner', '--room', room], env: { ...process.env, IM_SERVER: server } });
await mcp.connect();
try {
  const tools = await getAllMcpTools({ mcpServers: [mcp], convertSchemasToStrict: true });
  const loose = tools.filter((t) => !t.strict).map((t) => t.name);
  if (loose.length) console.error(`not strict (OpenAI will not enforce their schemas): ${loose.join(', ')}`);
  const agent = new Agent({
    name: 'planner',
    instructions: 'You are planner. Send the reviewer the task "Review PR 12" (to=["reviewer"], type="task"), then call wait with from="reviewer" and after=the seq that send returned. Reply with their answer.',
    model: process.env.OPENAI_API_KEY ? (process.env.OPENAI_MODEL ?? 'gpt-5-mini') : scripted(),
    mcpServers: [mcp],
    mcpConfig: { convertSchemasToStrict: true },
  });
  const result = await run(agent, 'Hand off the review and report the answer.');
  await reviewer;
  console.log(`planner got: ${result.finalOutput}`);
  if (!result.finalOutput) process.exitCode = 1;
} finally {
  await mcp.close();
}

/** The planner's script as a Model: send, then wait after the seq send returned, then the answer as text. */
function scripted() {
  const steps = [() => ['send', { content: 'Review PR 12', to: ['reviewer'], type: 'task' }], (sent) => ['wait', { after: sent.seq, from: 'reviewer', timeout: 30 }]];
  return {
    async getResponse({ input }) {
      const results = (Array.isArray(input) ? input : []).filter((i) => i.type === 'function_call_result');
      const last = results.length ? JSON.parse(textOf(results.at(-1).output)) : undefined;
      const step = steps[results.length];
      const output = step
        ? [{ type: 'function_call', callId: `call-${results.length}`, name: step(last)[0], arguments: JSON.stringify(step(last)[1]), status: 'completed' }]
        : [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: last.messages[0].content }] }];
      return { usage: new Usage(), output };
    },
    getStreamedResponse() {
      throw new Error('the scripted model does not stream');
    },
  };
}

function textOf(output) {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map(textOf).join('');
  return output.text;
}
