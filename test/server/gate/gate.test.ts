// What the gate remembers between requests (the last Host that passed, the last key on a connection) never lets
// through what it would refuse afresh: a foreign Host after a good one, a revoked key, another key on the connection.
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import type { CreatedAgent, CreatedRoom } from '../../../src/api/types.js';
import { hashKey } from '../../../src/server/auth/keys.js';
import { listen, type Listening } from '../../../src/server/listen.js';
import { testApp } from '../../helpers/app.js';

const ADMIN = 'ima_gate-memo-admin-token-00000';
const servers: Listening[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  agents.splice(0).forEach((a) => a.destroy());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Answer {
  status: number;
  code?: string;
  /** The client port: the same one means the same connection. */
  port: number;
}

/** One keep-alive connection to a real server: every call goes over the same socket, one after another. */
async function connection(auth: boolean) {
  const { app, json } = await testApp(auth ? { auth: { adminTokenHash: hashKey(ADMIN) } } : {});
  const admin: Record<string, string> = auth ? { authorization: `Bearer ${ADMIN}` } : {};
  const room = (await (await json('POST', '/agent/rooms', { name: 'memo' }, admin)).json()) as CreatedRoom;
  const agent = async (name: string) => ((await (await json('POST', `/agent/rooms/${room.roomId}/agents`, { name }, admin)).json()) as CreatedAgent).key;
  const revoke = async (name: string) => expect((await json('DELETE', `/agent/rooms/${room.roomId}/agents/${name}`, undefined, admin)).status).toBe(204);
  const listening = await listen(app, { host: '127.0.0.1', port: 0 });
  servers.push(listening);
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(keepAlive);
  const send = (headers: Record<string, string>, body: object = { content: 'hi' }) =>
    new Promise<Answer>((resolve, reject) => {
      const text = JSON.stringify(body);
      const req = request(`${listening.url}/agent/rooms/${room.roomId}/messages`, { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (d: string) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode!, code: (JSON.parse(data) as { error?: { code: string } }).error?.code, port: req.socket!.localPort! }));
      });
      req.once('error', reject);
      req.end(text);
    });
  return { room, agent, revoke, send };
}

describe('the gate remembers only what holds', () => {
  test.each([true, false])('a revoked agent key is refused on the next request of the same connection (auth on: %s)', async (auth) => {
    const c = await connection(auth);
    const key = await c.agent('a');
    const first = await c.send({ authorization: `Bearer ${key}` });
    expect(first).toMatchObject({ status: 201 });
    await c.revoke('a');
    const second = await c.send({ authorization: `Bearer ${key}` });
    expect(second).toMatchObject({ status: 401, code: 'invalid_key' });
    expect(second.port).toBe(first.port);
  });

  test('another key on the same connection acts as that key, and the admin token as the admin', async () => {
    const c = await connection(true);
    const [a, b] = [await c.agent('a'), await c.agent('b')];
    const asA = await c.send({ authorization: `Bearer ${a}` }, { sender: 'b', content: 'hi' });
    expect(asA).toMatchObject({ status: 403, code: 'sender_mismatch' });
    const asB = await c.send({ authorization: `Bearer ${b}` }, { sender: 'b', content: 'hi' });
    expect(asB).toMatchObject({ status: 201 });
    expect(await c.send({ authorization: `Bearer ${ADMIN}` }, { sender: 'b', content: 'hi' })).toMatchObject({ status: 201, port: asA.port });
    expect(await c.send({ authorization: `Bearer ${a}x` }, { sender: 'a', content: 'hi' })).toMatchObject({ status: 401, code: 'invalid_key', port: asA.port });
    expect(await c.send({}, { sender: 'a', content: 'hi' })).toMatchObject({ status: 401, code: 'unauthorized', port: asA.port });
  });

  test('a foreign Host is refused after a loopback one passed, and an Origin is checked every time', async () => {
    const c = await connection(false);
    expect(await c.send({ host: 'localhost:7331' }, { sender: 'a', content: 'hi' })).toMatchObject({ status: 201 });
    expect(await c.send({ host: 'attacker.example' }, { sender: 'a', content: 'hi' })).toMatchObject({ status: 403, code: 'host_not_allowed' });
    expect(await c.send({ host: 'localhost:7331', origin: 'http://attacker.example' }, { sender: 'a', content: 'hi' })).toMatchObject({ status: 403, code: 'origin_not_allowed' });
    expect(await c.send({ host: 'localhost:7331' }, { sender: 'a', content: 'hi' })).toMatchObject({ status: 201 });
  });
});
