// Whom a stream or long-poll counts against: the client off loopback; on loopback its agent name or its connection.
import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { StreamRegistry } from '../../src/server/streams.js';
import { testApp } from '../helpers/app.js';

/** The Node request @hono/node-server would pass, reduced to what the app reads of a GET: headers and the peer address. */
const from = (remoteAddress: string) => ({ incoming: Object.assign(new EventEmitter(), { headers: { host: 'localhost' }, socket: { remoteAddress } }) });

async function setup() {
  const streams = new StreamRegistry({ perClient: 2, total: 100, idleMs: 60_000 });
  const { app, client } = await testApp({ streams });
  const { roomId } = await client.createRoom('r');
  const ac = new AbortController();
  const open = (query: string, address: string) => app.request(`/agent/rooms/${roomId}/stream${query}`, { signal: ac.signal }, from(address));
  return { open, streams, close: () => ac.abort() };
}

describe('stream caps by owner', () => {
  test.each(['203.0.113.5', '2001:db8::1'])('off loopback (%s) the per-client cap counts the address, whatever ?as says', async (address) => {
    const { open, close } = await setup();
    expect((await open('?as=a', address)).status).toBe(200);
    expect((await open('?as=b', address)).status).toBe(200);
    expect((await open('?as=c', address)).status).toBe(429);
    // Another address has its own count.
    expect((await open('', '198.51.100.7')).status).toBe(200);
    close();
  });

  test.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('on loopback (%s) each agent name has its own cap', async (address) => {
    const { open, close } = await setup();
    for (const as of ['planner', 'planner', 'coder', 'coder']) expect((await open(`?as=${as}`, address)).status).toBe(200);
    const refused = await open('?as=planner', address);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
    close();
  });

  test('on loopback without a name each connection counts alone: only the total applies', async () => {
    const { open, streams, close } = await setup();
    for (let i = 0; i < 10; i++) expect((await open('', '127.0.0.1')).status).toBe(200);
    expect(streams.size).toBe(10);
    close();
  });

  test('long-polls are counted the same way', async () => {
    const { app, client } = await testApp({ streams: new StreamRegistry({ perClient: 1, total: 100, idleMs: 60_000 }) });
    const { roomId } = await client.createRoom('r');
    const ac = new AbortController();
    const poll = (query: string) => app.request(`/agent/rooms/${roomId}/history?wait=20${query}`, { signal: ac.signal }, from('127.0.0.1'));
    const waiting = [poll('&as=a'), poll('&as=b'), poll(''), poll('')];
    await new Promise((r) => setTimeout(r, 100));
    expect((await poll('&as=a')).status).toBe(429);
    ac.abort();
    await Promise.allSettled(waiting);
  });

  test.each([['', 'empty'], ['%20%20', 'blank'], [`${'n'.repeat(201)}`, 'too long']])('?as=%s (%s) is a 400 that says what a name is', async (as) => {
    const { open, close } = await setup();
    const res = await open(`?as=${as}`, '127.0.0.1');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/as must be the agent's name, 1 to 200 characters/);
    close();
  });
});
