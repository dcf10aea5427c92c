// The room's webhooks panel in real headless Chromium against a real server process: hooks, filters and state.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { Client } from '../../src/client/client.js';
import { launchBrowser, skipBrowserTests } from '../helpers/browser.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

let browser: Browser;
beforeAll(async () => {
  if (!skipBrowserTests) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test.skipIf(skipBrowserTests)('a room shows its webhooks with their state; a paused one says why', async () => {
  const dead = await startReceiver();
  const deadUrl = dead.url;
  await dead.close();
  const receiver = await startReceiver();
  const server = await startServer(await tempDir(), ['--webhook-max-failures', '1']);
  const client = new Client({ baseUrl: server.url });
  const room = await client.createRoom('hooked');
  const live = await client.createWebhook(room.id, { url: receiver.url, to: 'reviewer' });
  receiver.setSecret(live.secret);
  const broken = await client.createWebhook(room.id, { url: deadUrl });
  await client.send(room.id, { sender: 'planner', content: 'please review', to: ['reviewer'] });
  await expect.poll(async () => (await client.listWebhooks(room.id)).map((h) => `${h.state} ${h.lastDeliveredSeq}`), { timeout: 15_000 }).toEqual(['active 1', 'paused 0']);

  const page = await browser.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(`${server.url}/#/room/${room.id}`);
  await expect.poll(() => page.textContent('#hooks-summary'), { timeout: 15_000 }).toBe('Webhooks (2, 1 paused)');
  await page.click('#hooks-summary');
  const active = page.locator(`[data-hook="${live.id}"]`);
  const paused = page.locator(`[data-hook="${broken.id}"]`);
  expect(await active.textContent()).toContain(receiver.url);
  expect(await active.textContent()).toContain('Active');
  expect(await active.textContent()).toContain('to reviewer · delivered up to #1');
  expect(await paused.textContent()).toContain('Paused');
  expect(await paused.textContent()).toMatch(/1 failed attempt in a row.*Last error \(.+\): seq 1: .*ECONNREFUSED/);
  await page.close();
});
