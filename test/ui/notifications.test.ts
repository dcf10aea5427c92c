// Notifications in real Chromium with the permission granted and the page hidden (document.visibilityState emulated):
// nothing asks on load; once turned on, an @mention of the page's name, and in a room followed for every message any
// message, shows a system notification; the tab title counts them, the favicon gets a dot and, when chosen, a tone
// plays; a click opens the room at that message; back in view, the count goes.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

interface Shown {
  title: string;
  body: string | undefined;
}

/** Records each Notification made and each permission request, and lets the test hide and show the page. */
const instrument = () => {
  const w = window as unknown as Record<string, unknown>;
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  w.setHidden = (value: boolean) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const shown: Notification[] = [];
  w.shown = shown;
  w.asked = 0;
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      shown.push(this);
    }
    static override requestPermission(...args: Parameters<typeof Notification.requestPermission>) {
      w.asked = (w.asked as number) + 1;
      return Real.requestPermission(...args);
    }
  }
  window.Notification = Recorded as typeof Notification;
  w.beeps = 0;
  const oscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    w.beeps = (w.beeps as number) + 1;
    return oscillator.call(this);
  };
};

describe.skipIf(skipBrowserTests)('notifications', () => {
  // The full browser: the headless shell's Notification.permission always reads "denied" (test/helpers/browser.ts).
  const shared = browserAndServer({}, { fullBrowser: true });
  let server: RunningServer;
  beforeAll(() => ({ server } = shared));

  const notes = (page: Page) => page.evaluate(() => ((window as unknown as { shown: Notification[] }).shown).map((n) => ({ title: n.title, body: n.body })));
  const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => (window as unknown as { setHidden: (h: boolean) => void }).setHidden(h), hidden);

  test('a hidden page notifies of "@human ...", counts it in the title with a favicon dot, and a click opens the message', async () => {
    const client = new Client({ baseUrl: server.url });
    const ops = await client.createRoom('ops');
    const builds = await client.createRoom('builds');
    await client.send(ops.id, { sender: 'deployer', content: 'starting' });
    let context: BrowserContext | undefined;
    try {
      context = await shared.browser.newContext({ viewport: { width: 1200, height: 800 } });
      await context.grantPermissions(['notifications'], { origin: server.url });
      await context.addInitScript(instrument);
      const page = await context.newPage();
      page.on('pageerror', (err) => {
        throw err;
      });
      const live = () => page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });

      // builds is followed for every message; then ops is opened. Nothing asked for permission on the way.
      await page.goto(`${server.url}/#/room/${builds.id}`);
      await live();
      await page.click('#notify summary');
      await page.selectOption('#notify-mode', 'all');
      await page.goto(`${server.url}/#/room/${ops.id}`);
      await live();
      expect(await page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(0);
      // The panel is still open (the route changed, not the page); ops shows its own setting once its view is drawn
      // ("Live" may still be the previous room's: a hash change keeps the page).
      await expect.poll(() => page.inputValue('#notify-mode')).toBe('mine');
      await page.click('#notify-toggle');
      await expect.poll(() => page.getAttribute('#notify-toggle', 'aria-pressed')).toBe('true');
      expect(await page.title()).toBe('ops · im-for-agents');
      await page.check('#notify-sound');

      // In view, nothing is shown.
      await client.send(ops.id, { sender: 'deployer', content: '@human seen while looking' });
      await expect.poll(() => page.locator('#messages li.message').count()).toBe(2);
      await setHidden(page, true);
      await client.send(ops.id, { sender: 'deployer', content: 'chatter nobody is asked about' });
      const asked = await client.send(ops.id, { sender: 'deployer', content: '@human approve the release?\ndetails below' });
      await client.send(builds.id, { sender: 'ci', content: 'build 41 green' });
      await expect.poll(() => notes(page)).toEqual([
        { title: 'deployer in ops', body: '@human approve the release?' },
        { title: 'ci in builds', body: 'build 41 green' },
      ] satisfies Shown[]);
      expect(await page.title()).toBe('(2) ops · im-for-agents');
      expect(await page.evaluate(() => (window as unknown as { beeps: number }).beeps)).toBe(2);
      expect(await page.getAttribute('#favicon', 'href')).toMatch(/^data:image\/svg\+xml,.*circle/);

      // The notification's click opens its room at the message.
      await page.evaluate(() => (window as unknown as { shown: Notification[] }).shown[0]!.onclick?.(new Event('click')));
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/room/${ops.id}/${asked.seq}`);
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`m-${asked.seq}`);

      await setHidden(page, false);
      expect(await page.title()).toBe('ops · im-for-agents');
      expect(await page.getAttribute('#favicon', 'href')).toBe('/favicon.svg');
      // The favicon is served: no 404 on every load.
      expect((await fetch(`${server.url}/favicon.svg`)).headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    } finally {
      await context?.close();
    }
  });
});
