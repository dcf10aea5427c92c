// The web UI's accessibility: axe-core finds nothing in any view, light or dark, and the keyboard alone gets a person
// from the room list to a posted message and back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, type ExpectStatic } from 'vitest';
import { Client } from '../../src/client/client.js';
import { axeProblems } from '../helpers/axe.js';
import { launchBrowser, skipBrowserTests } from '../helpers/browser.js';
import { inProcessServer } from '../helpers/in-process-server.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { tempDir, tempDirForAll } from '../helpers/temp-dir.js';

const ADMIN = 'ima_accessibility-test-admin-token';

/** A room with every kind of message content the UI draws: Markdown, code, links, recipients, type, reply, metadata, redacted. */
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
  const leak = await client.send(roomId, { sender: 'coder', content: 'the token is abc123' });
  await client.redactMessage(roomId, leak.seq);
  return roomId;
}

/** Waits for the room, not for the test to pass: on a loaded machine a page can take seconds to open its stream. */
const roomIsLive = (page: Page) => page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });

const openRoom = async (page: Page, url: string, roomId: string, expect: ExpectStatic) => {
  await page.goto(`${url}/#/room/${roomId}`);
  await roomIsLive(page);
  await expect.poll(() => page.locator('#messages li.message').count()).toBeGreaterThan(2);
};

/** Two real servers in this process (one with auth on), shared by the audits, which only read. */
interface Fixture {
  open: RunningServer;
  guarded: RunningServer;
  richRoomId: string;
  connectRoomId: string;
  guardedRoomId: string;
  settingsRoomId: string;
}

async function startFixture(): Promise<Fixture> {
  const start = async (token?: string) =>
    startServer({ host: '127.0.0.1', port: 0, dataDir: await tempDirForAll(), token, log: () => {} });
  const [open, guarded] = await Promise.all([start(), start(ADMIN)]);
  const client = new Client({ baseUrl: open.url });
  const richRoomId = await richRoom(client);
  const { roomId: connectRoomId } = await client.createRoom('connect');
  await client.sendBatch(connectRoomId, ['one', 'two', 'three'].map((content) => ({ sender: 'agent', content })));
  // Nothing listens on port 9 here: the hook shows its failed deliveries and last error.
  await client.createWebhook(connectRoomId, { url: 'http://127.0.0.1:9/hook', to: 'reviewer' });
  const { roomId: guardedRoomId } = await new Client({ baseUrl: guarded.url, key: ADMIN }).createRoom('guarded');
  const { roomId: settingsRoomId } = await client.createRoom('settings');
  await client.updateRoom(settingsRoomId, { topic: 'a topic shown under the name', settings: { loopGuard: 5 } });
  await client.addAgent(settingsRoomId, 'planner');
  await client.sendBatch(settingsRoomId, ['one', 'two', 'three'].map((content) => ({ sender: 'agent', content })));
  return { open, guarded, richRoomId, connectRoomId, guardedRoomId, settingsRoomId };
}

/** Each view is brought up from a fresh page (nothing remembered), then audited as it stands. */
const views: Record<string, (page: Page, f: Fixture, expect: ExpectStatic) => Promise<void>> = {
  'room list': async (page, f, expect) => {
    await page.goto(f.open.url);
    await expect.poll(() => page.locator('#room-list li').count()).toBe(3);
    await expect.poll(() => page.locator('#room-list .unread').count()).toBe(3);
  },
  'room with messages': async (page, f, expect) => {
    await openRoom(page, f.open.url, f.richRoomId, expect);
    await page.click('#messages details.metadata summary');
    // Who is in the room, under its name: 51 senders seen, none listening.
    await expect.poll(() => page.textContent('#presence'), { timeout: 15_000 }).toMatch(/^Listening:human· Seen:.*and 45 more$/);
    const hues = await page.$$eval('#messages .sender', (els) => els.map((e) => Number(getComputedStyle(e).getPropertyValue('--hue'))));
    expect(new Set(hues.map((hue) => Math.floor(hue / 30))).size).toBe(12);
  },
  'search results': async (page, f, expect) => {
    await openRoom(page, f.open.url, f.richRoomId, expect);
    await page.fill('#search-q', 'diff');
    await page.press('#search-q', 'Enter');
    await expect.poll(() => page.textContent('#results-title')).toBe('2 matches for “diff”');
  },
  'key forms': async (page, f, expect) => {
    await page.goto(`${f.guarded.url}/#/room/${f.guardedRoomId}`);
    await expect.poll(() => page.isVisible('#room-key-form')).toBe(true);
    await expect.poll(() => page.isVisible('#admin-key-form')).toBe(true);
  },
  'connect panel': async (page, f, expect) => {
    await openRoom(page, f.open.url, f.connectRoomId, expect);
    await page.click('#connect summary');
    await expect.poll(() => page.isVisible('#connect-body pre')).toBe(true);
  },
  'notifications panel': async (page, f, expect) => {
    await openRoom(page, f.open.url, f.connectRoomId, expect);
    await page.click('#notify summary');
    await page.waitForSelector('#notify-toggle', { state: 'visible' });
  },
  'webhooks panel': async (page, f, expect) => {
    await openRoom(page, f.open.url, f.connectRoomId, expect);
    await page.waitForSelector('#hooks-summary', { state: 'visible', timeout: 15_000 });
    await page.click('#hooks-summary');
    await expect.poll(() => page.locator('#hooks-body li.hook').count()).toBe(1);
  },
  'room settings panel': async (page, f, expect) => {
    await openRoom(page, f.open.url, f.settingsRoomId, expect);
    await page.click('#settings summary');
    await expect.poll(() => page.locator('#agent-list li[data-agent]').count()).toBeGreaterThan(0);
    // With everything it can show at once: a new agent's key (shown once), a saved status and a pending confirmation.
    await page.fill('#agent-name', `helper-${Math.random().toString(36).slice(2, 10)}`);
    await page.press('#agent-name', 'Enter');
    await page.waitForSelector('#agent-secret code');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => page.textContent('#settings-status')).toBe('Nothing changed.');
    await page.click('#delete-room');
    await page.waitForSelector('.confirm');
  },
};

/** Every view on a wide screen; the two whose layout changes most also at a phone's width. */
const cases = [
  ...Object.keys(views).map((view) => [view, 1200] as const),
  ...['room list', 'room with messages'].map((view) => [view, 390] as const),
];

describe.skipIf(skipBrowserTests)('accessibility (axe-core)', () => {
  let browser: Browser;
  let fixture: Fixture;
  beforeAll(async () => {
    [browser, fixture] = await Promise.all([launchBrowser(), startFixture()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), fixture?.open.shutdown(), fixture?.guarded.shutdown()]);
  });

  // A view is brought up once and audited in each scheme: the UI follows prefers-color-scheme in CSS alone, so the
  // dark audit after switching the page's emulated scheme sees what a page opened dark would (and a page load, the
  // view's set-up and axe's injection are paid once, not twice: they were most of the browser files' CPU).
  test.for(cases)('%s, %i px wide, light and dark scheme: no violations, nothing left unchecked', async ([view, width], { expect }) => {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: 'light' });
    try {
      await views[view]!(page, fixture, expect);
      const light = await axeProblems(page);
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await axeProblems(page);
      expect({ light, dark }).toEqual({ light: [], dark: [] });
    } finally {
      await page.close();
    }
  });

  test.each([
    ['desktop', 1200],
    ['phone', 390],
  ])('keyboard only (%s): from the room list into a room, post a first message, and back', async (_, width) => {
    // Its own server: it posts, and the audits expect the shared one to stay as it was.
    const server = await inProcessServer(await tempDir());
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
      await roomIsLive(page);
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
      // The list is redrawn every few seconds (here with a room made meanwhile): the focus stays on the same room.
      await client.createRoom('made meanwhile');
      await expect.poll(() => page.locator('#room-list a').count()).toBe(2);
      expect((await focused(page)).href).toBe(`#/room/${roomId}`);
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
