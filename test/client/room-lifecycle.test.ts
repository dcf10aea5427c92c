// The client's room management calls (settings, agents, keys, deletion) against the real app, and the stream's end
// on a deleted room.
import { expect, test } from 'vitest';
import { ApiError } from '../../src/client/errors.js';
import { Client } from '../../src/client/client.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { testApp } from '../helpers/app.js';

const ADMIN = 'ima_client-lifecycle-admin';

test('settings, agents and keys round-trip; old keys and revoked agents are refused', async () => {
  const { client, fetch } = await testApp({ auth: { adminTokenHash: hashKey(ADMIN) } });
  const admin = new Client({ baseUrl: 'http://test', fetch, key: ADMIN });
  const room = await admin.createRoom('before');

  const changed = await admin.updateRoom(room.id, { name: 'after', topic: 'release', settings: { loopGuard: 3, agentKeysOnly: true } });
  expect(changed).toMatchObject({ id: room.id, name: 'after', topic: 'release', settings: { loopGuard: 3, agentKeysOnly: true } });
  expect((await admin.updateRoom(room.id, { topic: null, settings: { loopGuard: null, agentKeysOnly: null } })).settings?.loopGuard).toBeUndefined();

  const agent = await admin.addAgent(room.id, 'coder');
  expect(agent.key).toMatch(/^imag_/);
  expect(await admin.listAgents(room.id)).toEqual([{ name: 'coder', createdAt: agent.createdAt }]);
  const asAgent = new Client({ baseUrl: 'http://test', fetch, key: agent.key });
  expect(await asAgent.send(room.id, { sender: 'coder', content: 'hi' })).toMatchObject({ sender: 'coder', verified: true });
  await admin.removeAgent(room.id, 'coder');
  expect(await admin.listAgents(room.id)).toEqual([]);
  await expect(asAgent.history(room.id)).rejects.toMatchObject({ status: 401 });

  const { keys } = await admin.rotateKeys(room.id);
  await expect(new Client({ baseUrl: 'http://test', fetch, key: room.keys.write }).history(room.id)).rejects.toBeInstanceOf(ApiError);
  expect(await new Client({ baseUrl: 'http://test', fetch, key: keys.read }).history(room.id)).toHaveLength(1);

  await expect(client.deleteRoom(room.id)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  await admin.deleteRoom(room.id);
  await expect(admin.getRoom(room.id)).rejects.toMatchObject({ status: 404 });
});

test('a stream on a room deleted meanwhile reports `deleted` and ends instead of reconnecting', async () => {
  const { client } = await testApp();
  const room = await client.createRoom('doomed');
  await client.send(room.id, { sender: 'a', content: 'one' });
  const events: string[] = [];
  const seen: string[] = [];
  const reading = (async () => {
    for await (const m of client.stream(room.id, { after: 0, onEvent: (name) => events.push(name), retryMs: 10 })) {
      seen.push(m.content);
      if (seen.length === 1) await client.deleteRoom(room.id);
    }
  })();
  await reading;
  expect(seen).toEqual(['one']);
  expect(events).toEqual(['deleted']);
});
