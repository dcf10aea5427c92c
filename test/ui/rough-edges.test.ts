// New-user edges in real Chromium: the open room's count in the list follows live messages (not the 3 s refresh), a
// phone shows the first messages above the fold, and a server with auth on gets a landing hint with the token header.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

const ADMIN = 'ima_rough-edges-test-admin-token';

describe.skipIf(skipBrowserTests)('rough edges', () => {
  const shared = browserAndServer({ token: ADMIN });
  let server: RunningServer;
  let client: Client;
  beforeAll(() => {
    server = shared.server;
    client = new Client({ baseUrl: server.url, key: ADMIN });
  });

  async function openRoom(roomId: string, viewport: { width: number; height: number }): Promise<Page> {
    const page = await shared.browser.newPage({ viewport });
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(server.url);
    await page.fill('#admin-key', ADMIN);
    await page.press('#admin-key', 'Enter');
    await page.goto(`${server.url}/#/room/${roomId}`);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });
    return page;
  }

  test('the landing page hint carries the Authorization header when the server has auth on', async () => {
    const page = await shared.browser.newPage();
    try {
      await page.goto(server.url);
      await expect.poll(() => page.textContent('#welcome-curl')).toContain('-H "Authorization: Bearer $ADMIN_TOKEN"');
    } finally {
      await page.close();
    }
  });

  test("the open room's count in the list follows live messages, with the list's refresh held back", async () => {
    const { roomId } = await client.createRoom('counted');
    await client.send(roomId, { sender: 'a', content: 'one' });
    const page = await openRoom(roomId, { width: 1200, height: 800 });
    try {
      const count = () => page.textContent(`#room-list a[href="#/room/${roomId}"] .room-meta`);
      await expect.poll(count).toMatch(/^1 msg/);
      // From now on the periodic refresh of the list gets no answer: only the live path can change the count.
      await page.route(/\/agent\/rooms(\?|$)/, (route) => route.abort());
      await client.sendBatch(roomId, [
        { sender: 'a', content: 'two' },
        { sender: 'b', content: 'three' },
      ]);
      await expect.poll(count).toMatch(/^3 msg/);
    } finally {
      await page.close();
    }
  });

  test('at 390x844 the header and panels leave the first messages above the fold', async () => {
    const { roomId } = await client.createRoom('phone');
    await client.updateRoom(roomId, { topic: 'ship the release on friday' });
    await client.sendBatch(roomId, ['first', 'second', 'third'].map((content) => ({ sender: 'planner', content })));
    const page = await openRoom(roomId, { width: 390, height: 844 });
    try {
      await expect.poll(() => page.locator('#messages li.message').count()).toBe(3);
      const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
      const [first, scroller, composer] = [await box('#m-1'), await box('#scroller'), await box('#composer')];
      // Was 366 px down (header, toolbar and four panels, 43% of the screen); the whole of the first message shows.
      expect(first.y).toBeLessThan(240);
      expect(first.y + first.height).toBeLessThan(composer.y);
      expect(scroller.height).toBeGreaterThan(844 * 0.55);
      // Nothing scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await page.close();
    }
  });
});
