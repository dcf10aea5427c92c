// The README's A2A lines, run as written: the curl calls through bash, and the SDK snippet's object as given.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Role } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const exec = promisify(execFile);

const SCRIPT = `
curl -s $BASE/.well-known/agent-card.json -H "A2A-Version: 1.0"; echo
curl -s -X POST $BASE/agent/a2a -H "Content-Type: application/json" -H "A2A-Version: 1.0" -d '{"jsonrpc":"2.0","id":1,
  "method":"SendMessage","params":{"message":{"messageId":"8c1d6a52-...","contextId":"'$ROOM'","role":"ROLE_USER",
  "parts":[{"text":"Research complete."}],"metadata":{"sender":"researcher"}}}}'; echo
curl -s -X POST $BASE/agent/a2a -H "Content-Type: application/json" -d '{"jsonrpc":"2.0","id":2,"method":"message/send",
  "params":{"message":{"kind":"message","messageId":"m-2","role":"user","parts":[{"kind":"text","text":"hi"}]}}}'
`;

test('the README A2A calls work as written', async () => {
  const server = await startServer(await tempDir());
  const client = new Client({ baseUrl: server.url });
  const ROOM = (await client.createRoom('readme')).id;
  const { stdout } = await exec('bash', ['-euo', 'pipefail', '-c', SCRIPT], { env: { ...process.env, BASE: server.url, ROOM } });
  const [card, v1, v03] = stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(card.supportedInterfaces[0]).toEqual({ url: `${server.url}/agent/a2a`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' });
  expect(v1.result.message.contextId).toBe(ROOM);
  expect(v03.result).toMatchObject({ kind: 'message', role: 'agent' });
  expect((await client.getRoom(v03.result.contextId)).messageCount).toBe(1);

  const agent = await new ClientFactory().createFromUrl(server.url);
  // The README's object, as written (a plain object, not every field the SDK's types list).
  const answer = await agent.sendMessage({ message: { messageId: crypto.randomUUID(), contextId: ROOM, role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: 'Research complete.' } }], metadata: { sender: 'researcher' } } } as never);
  expect((answer as { contextId: string }).contextId).toBe(ROOM);
  expect((await client.history(ROOM)).map((m) => [m.sender, m.content])).toEqual([['researcher', 'Research complete.'], ['researcher', 'Research complete.']]);
});
