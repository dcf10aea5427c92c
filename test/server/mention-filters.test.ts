// One rule for "is this message for NAME" (in `to`, or @mentioned): search, the client's wait filter, webhooks' `to`
// filter and inboxes all agree with it on the same messages.
import { describe, expect, test } from 'vitest';
import { inInbox, isFor } from '../../src/api/addressed.js';
import type { Message, MessageInput } from '../../src/api/types.js';
import type { HookRecord } from '../../src/store/fleet-contract.js';
import { matches } from '../../src/webhooks/hook-worker.js';
import { testApp } from '../helpers/app.js';

const INPUTS: MessageInput[] = [
  { sender: 'a', content: 'to everyone' },
  { sender: 'a', content: 'to bob', to: ['bob'] },
  { sender: 'a', content: 'to carol, cc @bob', to: ['carol'] },
  { sender: 'a', content: 'hey @bob.' },
  { sender: 'a', content: 'mail bob@example.com', to: ['carol'] },
  { sender: 'bob', content: 'from bob to all' },
  { sender: 'a', content: 'to @bobby', to: ['bobby'] },
];
/** Contents for bob under each rule. */
const FOR_BOB = ['to bob', 'to carol, cc @bob', 'hey @bob.'];
const INBOX_BOB = ['to everyone', ...FOR_BOB];

describe('the "for NAME" rule', () => {
  test('isFor and inInbox on stored messages', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const stored = await client.sendBatch(roomId, INPUTS);
    expect(stored.filter((m) => isFor(m, 'bob')).map((m) => m.content)).toEqual(FOR_BOB);
    expect(stored.filter((m) => inInbox(m, 'bob')).map((m) => m.content)).toEqual(INBOX_BOB);
  });

  test('search ?to=, the client wait filter, a webhook to filter and the inbox all follow it', async () => {
    const { client } = await testApp();
    const { roomId } = await client.createRoom('r');
    const stored = await client.sendBatch(roomId, INPUTS);
    const contents = (ms: Message[]) => ms.map((m) => m.content);
    expect(contents(await client.search(roomId, { to: 'bob' }))).toEqual(FOR_BOB);
    expect(contents(await client.search(roomId, { to: 'bob', q: 'cc' }))).toEqual(['to carol, cc @bob']);
    expect(contents((await client.waitForMessages(roomId, { after: 0, to: 'bob', timeoutMs: 5000 })).messages)).toEqual(FOR_BOB);
    const hook = { to: 'bob' } as HookRecord;
    expect(contents(stored.filter((m) => matches(hook, m)))).toEqual(FOR_BOB);
    expect(contents((await client.inbox(roomId, { as: 'bob' })).messages)).toEqual(INBOX_BOB);
  });
});
