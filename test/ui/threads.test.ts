// Threads and message reading in real Chromium: a reply quotes what it answers and a click scrolls there (loading
// older pages), reply counts open the thread from the API, the Reply button sets replyTo; @mentions highlighted (the
// viewer's own stronger), bare URLs linked safely, a person's post not labelled twice, Redact kept in a menu.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

describe.skipIf(skipBrowserTests)('threads and message reading', () => {
  const shared = browserAndServer();
  let server: RunningServer;
  beforeAll(() => ({ server } = shared));

  async function openRoom(roomId: string): Promise<Page> {
    const page = await shared.browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${server.url}/#/room/${roomId}`);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });
    return page;
  }

  test('a reply quotes its target; a click loads older pages to it; counts open the thread; Reply sets replyTo', async () => {
    const client = new Client({ baseUrl: server.url });
    const room = await client.createRoom('threads');
    const root = await client.send(room.id, { sender: 'planner', content: 'Plan: ship v2\nsecond line' });
    await client.sendBatch(room.id, Array.from({ length: 150 }, (_, i) => ({ sender: 'noise', content: `filler ${i}` })));
    const a = await client.send(room.id, { sender: 'coder', content: 'tests first', replyTo: root.id });
    await client.send(room.id, { sender: 'reviewer', content: 'agreed', replyTo: a.id });
    const page = await openRoom(room.id);
    try {
      // #1 is not loaded (the newest 100 are): the quote says so, and still leads there.
      expect(await page.textContent(`#m-${a.seq} .reply-to`)).toBe('↪In reply toan earlier message');
      expect(await page.textContent(`#m-${a.seq + 1} .reply-to`)).toBe('↪In reply tocodertests first');
      expect(await page.textContent(`#m-${a.seq} button.replies`)).toBe('1 reply');
      await page.click(`#m-${a.seq} .reply-to`);
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('m-1');
      expect(await page.locator('#m-1').isVisible()).toBe(true);
      expect(await page.textContent('#m-1 button.replies')).toBe('1 reply');

      // The count opens the thread, read through history?thread.
      await page.click('#m-1 button.replies');
      await expect.poll(() => page.textContent('#results-title')).toBe('Thread of #1: 3 messages');
      expect(await page.$$eval('#results-list li', (lis) => lis.map((li) => li.getAttribute('data-seq')))).toEqual(['1', String(a.seq), String(a.seq + 1)]);

      // Reply: the composer answers that message until it is sent.
      await page.click(`#m-${a.seq + 1} button.reply`);
      expect(await page.textContent('#reply-what')).toBe(`Replying to #${a.seq + 1} from reviewer`);
      await page.fill('#composer-text', 'merged');
      await page.press('#composer-text', 'Enter');
      await expect.poll(async () => (await client.history(room.id, { limit: 1 }))[0]?.content).toBe('merged');
      const [mine] = await client.history(room.id, { limit: 1 });
      expect(mine!.replyTo).toBe((await client.history(room.id, { after: a.seq, limit: 1 }))[0]!.id);
      await expect.poll(() => page.textContent(`#m-${mine!.seq} .reply-to`)).toBe('↪In reply torevieweragreed');
      expect(await page.isHidden('#reply-bar')).toBe(true);
      expect(await page.textContent(`#m-${a.seq + 1} button.replies`)).toBe('1 reply');
      // A person's post: sender "human", type "human", shown once.
      expect(await page.locator(`#m-${mine!.seq} .type`).count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  test('@mentions highlighted (the viewer\'s own stronger), bare URLs linked with rel=noopener, javascript: never; Redact in a menu', async () => {
    const client = new Client({ baseUrl: server.url });
    const room = await client.createRoom('reading');
    await client.send(room.id, { sender: 'coder', content: '@human see https://example.com/pr/1 and ask @reviewer; not `@code`, [x](javascript:alert(1))', type: 'question' });
    const page = await openRoom(room.id);
    try {
      await expect.poll(() => page.locator('#m-1').count()).toBe(1);
      expect(await page.$$eval('#m-1 .mention', (els) => els.map((e) => [e.textContent, e.className]))).toEqual([
        ['@human', 'mention me'],
        ['@reviewer', 'mention'],
      ]);
      // The javascript: link keeps its text and loses its href.
      expect(await page.$$eval('#m-1 .content a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://example.com/pr/1', null]);
      const link = page.locator('#m-1 .content a[href]');
      expect(await link.getAttribute('href')).toBe('https://example.com/pr/1');
      expect(await link.getAttribute('rel')).toContain('noopener');
      expect(await page.textContent('#m-1 .type')).toBe('question');
      // Redact sits behind the message's "⋯" menu, not beside the time.
      expect(await page.isVisible('#m-1 button.redact')).toBe(false);
      await page.click('#m-1 details.menu summary');
      expect(await page.isVisible('#m-1 button.redact')).toBe(true);
    } finally {
      await page.close();
    }
  });
});
