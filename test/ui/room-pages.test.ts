// The room list by page in real Chromium: only pages of 100 are ever asked for; "Show more rooms" (or scrolling to the
// end) loads the next; refreshes keep what was loaded, move a room with new activity to the top and drop a deleted one.
import type { Request } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

const ROOMS = 230;

describe.skipIf(skipBrowserTests)('room list by page', () => {
  const shared = browserAndServer();
  let server: RunningServer;
  beforeAll(() => ({ server } = shared));

  test('loads 100 rooms at a time, by button or by scrolling, and refreshes without losing its place', async () => {
    const client = new Client({ baseUrl: server.url });
    // Created one after another, so the list (newest first) ends with room-000.
    const ids: string[] = [];
    for (let i = 0; i < ROOMS; i++) ids.push((await client.createRoom(`room-${String(i).padStart(3, '0')}`)).id);

    const page = await shared.browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    const listCalls: URL[] = [];
    page.on('request', (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname === '/agent/rooms' && r.method() === 'GET') listCalls.push(url);
    });
    const shown = () => page.$$eval('#room-list .room-name', (els) => els.map((e) => e.textContent));
    try {
      await page.goto(server.url);
      await expect.poll(async () => (await shown()).length, { timeout: 15_000 }).toBe(100);
      expect((await shown())[0]).toBe('room-229');
      expect(await page.isVisible('#rooms-more')).toBe(true);

      // By keyboard: the button is a plain button. Focused without scrolling the list to it, which would load the
      // next page by itself (scrolled near the end) before the key is pressed.
      await page.$eval('#rooms-more', (button) => (button as HTMLButtonElement).focus({ preventScroll: true }));
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await shown()).length, { timeout: 15_000 }).toBe(200);
      // By scrolling to the end of the list.
      await page.$eval('#rooms-nav', (nav) => (nav.scrollTop = nav.scrollHeight));
      await expect.poll(async () => (await shown()).length, { timeout: 15_000 }).toBe(ROOMS);
      await expect.poll(() => page.isHidden('#rooms-more'), { timeout: 15_000 }).toBe(true);
      const names = await shown();
      expect(new Set(names).size).toBe(ROOMS);
      expect(names.at(-1)).toBe('room-000');

      // The oldest room gets a message and a room of page 1 is deleted: the next refresh shows both, keeping the rest.
      await client.send(ids[0]!, { sender: 'agent', content: 'wake up' });
      await client.deleteRoom(ids[228]!);
      await expect.poll(async () => (await shown())[0], { timeout: 15_000 }).toBe('room-000');
      await expect.poll(async () => (await shown()).includes('room-228'), { timeout: 15_000 }).toBe(false);
      const after = await shown();
      expect(after).toHaveLength(ROOMS - 1);
      expect(new Set(after).size).toBe(ROOMS - 1);
      expect(after.at(-1)).toBe('room-001');

      // Never the whole list at once: every call asked for one page of 100.
      expect(listCalls.length).toBeGreaterThan(3);
      expect(listCalls.filter((u) => u.searchParams.get('limit') !== '100').map(String)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
