// The web UI's accessibility: axe-core finds nothing in any view, light or dark, and the keyboard alone gets a person
// from the room list to a posted message and back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { axeProblems } from '../helpers/axe.js';
import { launchBrowser, skipBrowserTests } from '../helpers/browser.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const ADMIN = 'ima_accessibility-test-admin-token';

/** A room with every kind of message content the UI draws: Markdown, code, links, recipients, type, reply, metadata. */
async function richRoom(client: Client): Promise<string> {
  const { roomId } = await client.createRoom('release-1.4');
  const plan = await client.send(roomId, {
    sender: 'planner',
    content: '## Plan\n1. **coder** fixes the flaky test\n2. *reviewer* checks the diff\n\n> Ship by Friday.\n\nSee [the issue](https://example.com/issues/12).',
    to: ['coder', 'reviewer'],
    type: 'task',
  });
  await client.send(roomId, {
    sender: 'coder',
    content: 'Fix:\n```ts\nawait upload.done;\nexpect(files).toHaveLength(3);\n```\nand `UPLOAD_TIMEOUT_MS` renamed.\n\n| test | before | after |\n| --- | --- | --- |\n| upload | flaky | green |',
    replyTo: plan.id,
    type: 'result',
    metadata: { pr: 812, tests: 'passing' },
  });
  await client.send(roomId, { sender: 'reviewer', content: 'Diff looks right. <b>raw html</b> shown as text.\n- one\n- two', to: ['coder'] });
  // Enough senders that their colours go all round the hue circle (checked in the room view below).
  const senders = Array.from({ length: 48 }, (_, i) => `agent-${((i * 2654435761) >>> 0).toString(36)}`);
  await client.sendBatch(roomId, senders.map((sender) => ({ sender, content: `from ${sender}` })));
  return roomId;
}

const openRoom = async (page: Page, url: string, roomId: string) => {
  await page.goto(`${url}/#/room/${roomId}`);
  await expect.poll(() => page.textContent('#conn')).toBe('Live');
  await expect.poll(() => page.locator('#messages li.message').count()).toBeGreaterThan(2);
};

/** Each view is brought up on a fresh server, then audited as it stands. */
const views: Record<string, (page: Page) => Promise<void>> = {
  'room list': async (page) => {
    const server = await startServer(await tempDir());
    const client = new Client({ baseUrl: server.url });
    await richRoom(client);
    await client.createRoom('empty-room');
    await page.goto(server.url);
    await expect.poll(() => page.locator('#room-list li').count()).toBe(2);
    await expect.poll(() => page.locator('#room-list .unread').count()).toBe(1);
  },
  'room with messages': async (page) => {
    const server = await startServer(await tempDir());
    const roomId = await richRoom(new Client({ baseUrl: server.url }));
    await openRoom(page, server.url, roomId);
    await page.click('#messages details.metadata summary');
    const hues = await page.$$eval('#messages .sender', (els) => els.map((e) => Number(getComputedStyle(e).getPropertyValue('--hue'))));
    expect(new Set(hues.map((hue) => Math.floor(hue / 30))).size).toBe(12);
  },
  'search results': async (page) => {
    const server = await startServer(await tempDir());
    const roomId = await richRoom(new Client({ baseUrl: server.url }));
    await openRoom(page, server.url, roomId);
    await page.fill('#search-q', 'diff');
    await page.press('#search-q', 'Enter');
    await expect.poll(() => page.textContent('#results-title')).toBe('2 matches for “diff”');
  },
  'key forms': async (page) => {
    const server = await startServer(await tempDir(), ['--token', ADMIN]);
    const room = await new Client({ baseUrl: server.url, key: ADMIN }).createRoom('guarded');
    await page.goto(`${server.url}/#/room/${room.roomId}`);
    await expect.poll(() => page.isVisible('#room-key-form')).toBe(true);
    await expect.poll(() => page.isVisible('#admin-key-form')).toBe(true);
  },
  'connect panel': async (page) => {
    const server = await startServer(await tempDir());
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('connect');
    await client.sendBatch(roomId, ['one', 'two', 'three'].map((content) => ({ sender: 'agent', content })));
    await openRoom(page, server.url, roomId);
    await page.click('#connect summary');
    await expect.poll(() => page.isVisible('#connect-body pre')).toBe(true);
  },
};

const schemes = ['light', 'dark'] as const;
/** Every view on a wide screen; the two whose layout changes most also at a phone's width. */
const cases = [
  ...Object.keys(views).flatMap((view) => schemes.map((scheme) => [view, scheme, 1200] as const)),
  ...['room list', 'room with messages'].flatMap((view) => schemes.map((scheme) => [view, scheme, 390] as const)),
];

describe.skipIf(skipBrowserTests)('accessibility (axe-core)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test.each(cases)('%s, %s scheme, %i px wide: no violations, nothing left unchecked', async (view, scheme, width) => {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: scheme });
    try {
      await views[view]!(page);
      expect(await axeProblems(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test.each([
    ['desktop', 1200],
    ['phone', 390],
  ])('keyboard only (%s): from the room list into a room, post a first message, and back', async (_, width) => {
    const server = await startServer(await tempDir());
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('keyboard');
    await client.send(roomId, { sender: 'agent', content: 'anyone there?' });
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    try {
      await page.goto(server.url);
      await expect.poll(() => page.locator('#room-list a').count()).toBe(1);

      const reached = await tabTo(page, 'Tab', (f) => f.href === `#/room/${roomId}`);
      expect(reached.map((f) => f.name)).toEqual(['new-room-name', 'Create', `#/room/${roomId}`]);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.textContent('#conn')).toBe('Live');
      // The room opens with the message box focused, and the name already filled in: the first post needs nothing else.
      expect((await focused(page)).name).toBe('composer-text');
      await page.keyboard.type('hello from the keyboard');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await client.history(roomId)).map((m) => [m.sender, m.content])).toEqual([
        ['agent', 'anyone there?'],
        ['human', 'hello from the keyboard'],
      ]);
      await expect.poll(() => page.textContent('#messages')).toContain('hello from the keyboard');

      await tabTo(page, 'Shift+Tab', (f) => f.href === '#/');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#/');
      // Back on the list, focus is on the room just left, so the person goes on from where they were.
      await expect.poll(async () => (await focused(page)).href).toBe(`#/room/${roomId}`);
      expect(await page.isVisible('#room-list')).toBe(true);
      expect(await page.isVisible('#room')).toBe(false);
    } finally {
      await page.close();
    }
  });
});

interface Focused {
  /** id, else aria-label, else link target, else text. */
  name: string;
  href: string | null;
  /** On screen, and drawn with the focus ring (:focus-visible). */
  visible: boolean;
}

const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: '', href: null, visible: false };
    const r = el.getBoundingClientRect();
    const onScreen = r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
    return {
      name: el.id || el.getAttribute('aria-label') || el.getAttribute('href') || (el.textContent ?? '').trim().split('\n')[0]!.trim(),
      href: el.getAttribute('href'),
      visible: onScreen && el.matches(':focus-visible'),
    };
  });

/** Presses the key until `done` holds for the focused element; every stop on the way must be visible. */
async function tabTo(page: Page, key: 'Tab' | 'Shift+Tab', done: (f: Focused) => boolean): Promise<Focused[]> {
  const path: Focused[] = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    path.push(f);
    expect(f.visible, `focus stop ${JSON.stringify(f)} after ${JSON.stringify(path.slice(0, -1).map((p) => p.name))}`).toBe(true);
    if (done(f)) return path;
  }
  throw new Error(`${key} never reached the target; stops: ${JSON.stringify(path.map((p) => p.name))}`);
}
