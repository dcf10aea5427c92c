// The loop guard end to end in real Chromium: two scripted agents with agent keys answer each other until the room's
// guard stops them, and a person's post from the UI composer lets them go on.
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ApiError } from '../../src/client/errors.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

const GUARD = 4;

/**
 * Two agents answering each other turn by turn, as a pair of chatty bots would, until a post is refused; answers how
 * many got through and the refusal.
 */
async function converse(roomId: string, agents: [Client, Client], turns: number): Promise<{ posted: number; refusal?: ApiError }> {
  for (let turn = 0; turn < turns; turn++) {
    const [me, other] = turn % 2 === 0 ? ['alice', 'bob'] : ['bob', 'alice'];
    try {
      await agents[turn % 2]!.send(roomId, { sender: me, content: `@${other} turn ${turn}, over to you` });
    } catch (err) {
      if (err instanceof ApiError) return { posted: turn, refusal: err };
      throw err;
    }
  }
  return { posted: turns };
}

describe.skipIf(skipBrowserTests)('loop guard', () => {
  const shared = browserAndServer();
  let browser: Browser;
  let server: RunningServer;
  beforeAll(() => ({ browser, server } = shared));

  test('stops two agents answering each other; a post from the UI composer releases them', async () => {
    const owner = new Client({ baseUrl: server.url });
    const room = await owner.createRoom('chatty');
    const write = new Client({ baseUrl: server.url, key: room.keys.write });
    await write.updateRoom(room.id, { settings: { loopGuard: GUARD } });
    const agentClient = async (name: string) => new Client({ baseUrl: server.url, key: (await write.addAgent(room.id, name)).key });
    const agents: [Client, Client] = [await agentClient('alice'), await agentClient('bob')];

    const first = await converse(room.id, agents, 20);
    expect(first.posted).toBe(GUARD);
    expect(first.refusal).toMatchObject({ status: 429, code: 'loop_guard' });
    expect(first.refusal?.message).toContain('a human must post');

    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    try {
      await page.goto(`${server.url}/#/room/${room.id}`);
      await expect.poll(() => page.locator('#messages li.message').count(), { timeout: 15_000 }).toBe(GUARD);
      expect(await page.locator('#messages .verified').count()).toBe(GUARD);
      await page.fill('#composer-text', 'Enough, you two. Bob, write the summary.');
      await page.press('#composer-text', 'Enter');
      await expect.poll(() => page.locator('#messages li.message').count(), { timeout: 15_000 }).toBe(GUARD + 1);
      expect(await page.inputValue('#composer-text')).toBe('');
      expect(await page.textContent('#composer-status')).toBe('');
    } finally {
      await page.close();
    }

    const human = (await owner.history(room.id)).at(-1);
    expect(human).toMatchObject({ sender: 'human', type: 'human', content: 'Enough, you two. Bob, write the summary.' });
    expect(human?.verified).toBeUndefined();
    // Released: the agents get another full run, and the guard stops them again after it.
    const second = await converse(room.id, agents, 20);
    expect(second.posted).toBe(GUARD);
    expect(second.refusal).toMatchObject({ status: 429, code: 'loop_guard' });
    expect((await owner.getRoom(room.id)).messageCount).toBe(2 * GUARD + 1);
  });
});
