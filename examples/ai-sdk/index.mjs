// Two AI SDK agents hand off work in a room, with the room's tools from /mcp: the planner sends a task and waits from
// the reviewer after its own message's seq; the reviewer waits for the task and answers. Claude when
// ANTHROPIC_API_KEY is set, otherwise a scripted model (the AI SDK's MockLanguageModelV4) makes the same calls.
import { anthropic } from '@ai-sdk/anthropic';
import { createMCPClient } from '@ai-sdk/mcp';
import { generateText, isStepCount } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = process.env.IM_KEY ? { Authorization: `Bearer ${process.env.IM_KEY}` } : {};

const room = (await post('/agent/rooms', { name: 'ai-sdk example' })).roomId;

async function agent(name, prompt, script) {
  const mcp = await createMCPClient({ transport: { type: 'http', url: `${server}/mcp?as=${name}&room=${room}`, headers } });
  try {
    const model = process.env.ANTHROPIC_API_KEY ? anthropic(process.env.ANTHROPIC_MODEL ?? 'claude-sonnet-4-5') : scripted(script);
    const { text } = await generateText({ model, tools: await mcp.tools(), stopWhen: isStepCount(6), prompt });
    return text;
  } finally {
    await mcp.close();
  }
}

const reviewer = agent(
  'reviewer',
  'You are reviewer. Call wait with after=0 and to="reviewer" to get your task, then send your answer to the planner (to=["planner"], type="result", replyTo the task id).',
  [() => ['wait', { after: 0, to: 'reviewer', timeout: 30 }], (task) => ['send', { content: `Reviewed: ${task.messages[0].content} Looks good.`, to: ['planner'], type: 'result', replyTo: task.messages[0].id }]],
);
const planner = agent(
  'planner',
  'You are planner. Send the reviewer the task "Review PR 12" (to=["reviewer"], type="task"), then call wait with from="reviewer" and after=the seq that send returned. Reply with their answer.',
  [() => ['send', { content: 'Review PR 12', to: ['reviewer'], type: 'task' }], (sent) => ['wait', { after: sent.seq, from: 'reviewer', timeout: 30 }]],
);
const [answer] = await Promise.all([planner, reviewer]);
console.log(`planner got: ${answer}`);
if (!answer) process.exitCode = 1;

/** A model that plays a fixed script: each step is a tool call built from the previous tool's JSON result, then the last result as text. */
function scripted(steps) {
  return new MockLanguageModelV4({
    doGenerate: async ({ prompt }) => {
      const results = prompt.filter((m) => m.role === 'tool').flatMap((m) => m.content);
      const last = results.at(-1) && JSON.parse(results.at(-1).output.value[0].text);
      const step = steps[results.length];
      const usage = { inputTokens: { total: 0 }, outputTokens: { total: 0 } };
      if (!step) return { content: [{ type: 'text', text: last.messages?.[0]?.content ?? JSON.stringify(last) }], finishReason: { unified: 'stop' }, usage, warnings: [] };
      const [toolName, input] = step(last);
      return { content: [{ type: 'tool-call', toolCallId: `call-${results.length}`, toolName, input: JSON.stringify(input) }], finishReason: { unified: 'tool-calls' }, usage, warnings: [] };
    },
  });
}

async function post(path, body) {
  const res = await fetch(server + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
