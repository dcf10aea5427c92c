// How fast the web UI opens a room of 1,000 messages in real headless Chromium: first paint, and the newest page shown.
import { chromiumPath, launchBrowser } from '../helpers/browser.js';

export interface UiPaint {
  /** Navigation start to the browser's first contentful paint. */
  firstPaintMs: number;
  /** Navigation start to the newest message rendered at the bottom of the room view. */
  newestShownMs: number;
  /** Navigation start to the newest 100 messages rendered (Markdown and all) in the room view. */
  roomShownMs: number;
}

/** Median of `runs` fresh page loads of the room; undefined when no Chromium is installed. */
export async function measureUiPaint(url: string, roomId: string, runs = 5): Promise<UiPaint | undefined> {
  if (!chromiumPath) return undefined;
  const browser = await launchBrowser();
  try {
    const results: UiPaint[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      await page.goto(`${url}/#/room/${roomId}`);
      // Checked on every animation frame; each value is the time of the first frame that shows it.
      const newestInView = await page.waitForFunction(() => {
        const s = document.getElementById('scroller');
        const last = document.querySelector('#messages li.message:last-child');
        const inView = s && last && s.scrollHeight - s.scrollTop - s.clientHeight < 48 && last.getBoundingClientRect().bottom <= s.getBoundingClientRect().bottom + 1;
        return inView && performance.now();
      });
      const newestShownMs = Math.round((await newestInView.jsonValue()) as number);
      const all = await page.waitForFunction(() => document.querySelectorAll('#messages li.message').length >= 100 && performance.now());
      const roomShownMs = Math.round((await all.jsonValue()) as number);
      const firstPaintMs = Math.round(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
      results.push({ firstPaintMs, newestShownMs, roomShownMs });
      await page.close();
    }
    const mid = (k: keyof UiPaint) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
    return { firstPaintMs: mid('firstPaintMs'), newestShownMs: mid('newestShownMs'), roomShownMs: mid('roomShownMs') };
  } finally {
    await browser.close();
  }
}
