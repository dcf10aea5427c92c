// Redaction in real Chromium: a message redacted from one page shows as redacted there and, live, in another open
// page (its view and its search results), with its text gone from both; the API agrees; a page opened later draws it
// redacted too.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

const SECRET = 'sk-live-4f9a1c0ffee';

describe.skipIf(skipBrowserTests)('redaction', () => {
  const shared = browserAndServer();
  let browser: Browser;
  let server: RunningServer;
  beforeAll(() => ({ browser, server } = shared));

  async function openRoom(roomId: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${server.url}/#/room/${roomId}`);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });
    await expect.poll(() => page.locator('#messages li.message').count()).toBe(3);
    return page;
  }

  test('redacted in one page, shown redacted live in another (and its search results); the text is gone', async () => {
    const client = new Client({ baseUrl: server.url });
    const room = await client.createRoom('leaky');
    await client.send(room.id, { sender: 'deployer', content: 'deploying now' });
    await client.send(room.id, { sender: 'deployer', content: `oops, the key is \`${SECRET}\``, metadata: { token: SECRET } });
    await client.send(room.id, { sender: 'reviewer', content: 'please redact that' });
    const [a, b] = [await openRoom(room.id), await openRoom(room.id)];
    try {
      await b.fill('#search-q', 'sk-live');
      await b.press('#search-q', 'Enter');
      await expect.poll(() => b.textContent('#results-title')).toBe('1 match for “sk-live”');

      // Asked first; Escape keeps the message.
      await a.click('#m-2 details.menu summary');
      await a.click('#m-2 button.redact');
      expect(await a.textContent('#m-2 .confirm')).toContain('Redact message 2 from deployer?');
      await a.keyboard.press('Escape');
      expect(await a.locator('#m-2 .confirm').count()).toBe(0);
      expect(await a.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Redact message 2 from deployer');
      expect((await client.history(room.id))[1]!.content).toContain(SECRET);

      await a.click('#m-2 button.redact');
      await a.click('#m-2 .confirm button:text("Redact")');
      for (const page of [a, b]) {
        await expect.poll(() => page.getAttribute('#m-2', 'data-redacted'), { timeout: 15_000 }).toBe('');
        expect(await page.textContent('#m-2 .content')).toMatch(/^Redacted at /);
        expect(await page.locator('#m-2 button.redact').count()).toBe(0);
        expect(await page.textContent('#messages')).not.toContain(SECRET);
        // Its neighbours are untouched, in their places.
        expect(await page.$$eval('#messages li.message', (lis) => lis.map((li) => li.getAttribute('data-seq')))).toEqual(['1', '2', '3']);
        expect((await page.textContent('#m-3 .content'))?.trim()).toBe('please redact that');
      }
      await expect.poll(() => b.textContent('#results-list')).not.toContain(SECRET);
      expect(await b.textContent('#results-list .content')).toMatch(/^Redacted at /);
      // Focus stays on the message it was on, not lost to the page.
      expect(await a.evaluate(() => document.activeElement?.id)).toBe('m-2');

      const stored = (await client.history(room.id))[1]!;
      expect(stored).toMatchObject({ seq: 2, sender: 'deployer', redacted: true });
      expect(JSON.stringify(stored)).not.toContain(SECRET);

      const later = await openRoom(room.id);
      expect(await later.textContent('#m-2 .content')).toMatch(/^Redacted at /);
      await later.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
