// A hand-off over A2A with the official @a2a-js/sdk client: the planner opens a room with a streaming send (the
// stream then carries every later message of the room), the reviewer answers into that room (its contextId), and the
// planner reads the answer off its stream.
import { randomUUID } from 'node:crypto';
import { Role } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';

const server = process.env.IM_SERVER ?? 'http://127.0.0.1:7331';
const client = await new ClientFactory().createFromUrl(server); // reads /.well-known/agent-card.json

const message = (text, metadata, contextId = '') => ({
  tenant: '',
  metadata: {},
  message: {
    messageId: randomUUID(), // a retried send with the same id is stored once
    contextId, // the room's id; empty opens a new room
    taskId: '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, filename: '', mediaType: 'text/plain' }],
    metadata, // sender, to, type, replyTo, roomName
    extensions: [],
    referenceTaskIds: [],
  },
});

const task = message('Review PR 12', { sender: 'planner', to: ['reviewer'], type: 'task', roomName: 'a2a example' });
let answer;
for await (const { payload } of client.sendMessageStream(task)) {
  if (payload?.$case === 'task') {
    // The receipt: our message is in room payload.value.contextId. The reviewer (any A2A client) answers there.
    const room = payload.value.contextId;
    await client.sendMessage(message('Reviewed PR 12: looks good.', { sender: 'reviewer', to: ['planner'], type: 'result' }, room));
  }
  const said = payload?.$case === 'statusUpdate' ? payload.value.status?.message : undefined;
  if (said?.metadata?.sender === 'reviewer') {
    answer = said.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
    break; // leaving the loop hangs up, which ends the stream
  }
}
console.log(`planner got: ${answer}`);
if (answer !== 'Reviewed PR 12: looks good.') process.exit(1);
