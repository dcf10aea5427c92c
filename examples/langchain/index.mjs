// A LangGraph agent in a room with the room's tools from /mcp through LangChain's MultiServerMCPClient: the planner
// sends a task and waits from the reviewer after its own message's seq; the reviewer here is a plain REST client.
// Claude when ANTHROPIC_API_KEY is set, otherwise a scripted chat model (a BaseChatModel) makes the same calls.
import { ChatAnthropic } from '@langchain/anthropic';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const headers = { 'Content-Type': 'application/json', ...(process.env.IM_KEY && { Authorization: `Bearer ${process.env.IM_KEY}` }) };
const call = async (path, body) => (await fetch(server + path, body && { method: 'POST', headers, body: JSON.stringify(body) })).json();
const room = (await call('/agent/rooms', { name: 'langchain example' })).roomId;

// The reviewer: long-polls for its task from seq 0 of this new room and answers it.
const reviewer = (async () => {
  for (let after = 0; ; ) {
    const { messages } = await call(`/agent/rooms/${room}/history?after=${after}&wait=30&as=reviewer`);
    const task = messages.find((m) => m.to?.includes('reviewer'));
    if (task) return call(`/agent/rooms/${room}/messages`, { sender: 'reviewer', content: `Reviewed: ${task.content}. Looks good.`, to: [task.sender], type: 'result', replyTo: task.id });
    after = messages.at(-1)?.seq ?? after;
  }
})();

/** The planner's script as a chat model: send, then wait after the seq send returned, then the answer as text. */
class Scripted extends BaseChatModel {
  _llmType() {
    return 'scripted';
  }
  bindTools() {
    return this;
  }
  async _generate(messages) {
    const results = messages.filter((m) => m.getType() === 'tool');
    // A tool result with structuredContent reaches the model as the MCP content block in JSON (mcp-adapters 1.x).
    const parsed = results.length ? JSON.parse(results.at(-1).text) : undefined;
    const last = parsed?.structuredContent ?? parsed;
    const steps = [() => ['send', { content: 'Review PR 12', to: ['reviewer'], type: 'task' }], (sent) => ['wait', { after: sent.seq, from: 'reviewer', timeout: 30 }]];
    const step = steps[results.length]?.(last);
    const message = step ? new AIMessage({ content: '', tool_calls: [{ id: `call-${results.length}`, name: step[0], args: step[1] }] }) : new AIMessage(last.messages[0].content);
    return { generations: [{ text: '', message }] };
  }
}

const { Authorization } = headers;
const mcp = new MultiServerMCPClient({ mcpServers: { im: { transport: 'http', url: `${server}/mcp?as=planner&room=${room}`, headers: Authorization ? { Authorization } : {} } } });
try {
  const llm = process.env.ANTHROPIC_API_KEY ? new ChatAnthropic({ model: process.env.ANTHROPIC_MODEL ?? 'claude-sonnet-4-5' }) : new Scripted({});
  const agent = createReactAgent({ llm, tools: await mcp.getTools() });
  const { messages } = await agent.invoke({
    messages: [{ role: 'user', content: 'You are planner. Send the reviewer the task "Review PR 12" (to=["reviewer"], type="task"), then call wait with from="reviewer" and after=the seq that send returned. Reply with their answer.' }],
  });
  await reviewer;
  console.log(`planner got: ${messages.at(-1).content}`);
  if (!messages.at(-1).content) process.exitCode = 1;
} finally {
  await mcp.close();
}
