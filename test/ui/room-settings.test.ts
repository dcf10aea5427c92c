// The room settings panel in real Chromium against a real server with auth on: rename, topic and settings, agent keys,
// key rotation and deletion, each checked through the API; refusals shown from the error shape; a room deleted
// elsewhere shown as gone.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CreatedRoom } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

const ADMIN = 'ima_room-settings-test-admin-token';

describe.skipIf(skipBrowserTests)('room settings', () => {
  const shared = browserAndServer({ token: ADMIN });
  let browser: Browser;
  let server: RunningServer;
  let admin: Client;
  beforeAll(() => {
    ({ browser, server } = shared);
    admin = new Client({ baseUrl: server.url, key: ADMIN });
  });

  const as = (key: string) => new Client({ baseUrl: server.url, key });

  /** A fresh page (nothing remembered, in a context of its own: close that) in the room, opened by typing `key` into the
   *  room's key form. */
  async function openWithKey(room: CreatedRoom, key: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${server.url}/#/room/${room.id}`);
    await page.waitForSelector('#room-key-form', { state: 'visible', timeout: 15_000 });
    await page.fill('#room-key', key);
    await page.press('#room-key', 'Enter');
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });
    await page.click('#settings summary');
    return page;
  }

  test('rename, topic, loop guard and agent-keys-only are saved, shown, and only what changed is sent', async () => {
    const room = await admin.createRoom('before');
    const page = await openWithKey(room, room.keys.write);
    try {
      expect(await page.inputValue('#set-name')).toBe('before');
      await page.fill('#set-name', 'after');
      await page.fill('#set-topic', 'ship 1.4 by Friday');
      await page.fill('#set-loop-guard', '3');
      await page.check('#set-agent-keys-only');
      await page.click('#settings-form button[type=submit]');
      await expect.poll(() => page.textContent('#settings-status')).toBe('Saved.');
      expect(await admin.getRoom(room.id)).toMatchObject({ name: 'after', topic: 'ship 1.4 by Friday', settings: { loopGuard: 3, agentKeysOnly: true } });
      expect(await page.textContent('#room-name')).toBe('after');
      expect(await page.textContent('#room-topic')).toBe('ship 1.4 by Friday');
      expect(await page.title()).toBe('after · im-for-agents');

      // The room's write key alone may not post now: the composer says why, in the server's words.
      await page.fill('#composer-text', 'hello?');
      await page.press('#composer-text', 'Enter');
      await expect.poll(() => page.textContent('#composer-status')).toMatch(/^Not sent: .*agent key/);

      // Emptied fields turn the settings off; the rename made elsewhere meanwhile is not undone (only changes are sent).
      await admin.updateRoom(room.id, { name: 'renamed-elsewhere' });
      await page.fill('#set-topic', '');
      await page.fill('#set-loop-guard', '');
      await page.uncheck('#set-agent-keys-only');
      await page.click('#settings-form button[type=submit]');
      await expect.poll(async () => (await admin.getRoom(room.id)).settings ?? {}).toEqual({});
      const after = await admin.getRoom(room.id);
      expect(after.topic).toBeUndefined();
      expect(after.name).toBe('renamed-elsewhere');
      // The page redraws once the PATCH answer is back, which may be after the server already holds the change.
      await expect.poll(() => page.isHidden('#room-topic')).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  test('agent keys: added (its key shown once, copied), listed, working, then revoked and refused', async () => {
    const room = await admin.createRoom('agents');
    await admin.addAgent(room.id, 'planner');
    const page = await openWithKey(room, room.keys.write);
    try {
      await expect.poll(() => page.locator('#agent-list li[data-agent]').allTextContents()).toEqual([expect.stringContaining('planner')]);
      await page.fill('#agent-name', 'coder');
      await page.press('#agent-name', 'Enter');
      await page.waitForSelector('#agent-secret code', { timeout: 15_000 });
      const key = (await page.textContent('#agent-secret code'))!;
      expect(key).toMatch(/^imag_/);
      // The Copy button has focus, so Enter copies it.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe("Copy coder's key");
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
      expect(await as(key).send(room.id, { sender: 'coder', content: 'from the new key' })).toMatchObject({ sender: 'coder', verified: true });
      expect(await page.locator('#agent-list li[data-agent]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-agent')))).toEqual(['planner', 'coder']);

      await page.click('#agent-secret button:text("Done")');
      expect(await page.isHidden('#agent-secret')).toBe(true);
      // Shown once: the list never has it, and the API never answers it again.
      expect(await page.textContent('#settings')).not.toContain(key);

      await page.click('button[aria-label="Revoke coder\'s key"]');
      await expect.poll(() => page.textContent('#agents-status')).toContain('Revoked coder');
      await expect(as(key).send(room.id, { sender: 'coder', content: 'still here?' })).rejects.toMatchObject({ status: 401 });
      expect((await admin.listAgents(room.id)).map((a) => a.name)).toEqual(['planner']);
      // A taken name: the server's reason, shown as it is.
      await page.fill('#agent-name', 'planner');
      await page.press('#agent-name', 'Enter');
      await expect.poll(() => page.textContent('#agents-status')).toMatch(/^Could not add planner: .+/);
    } finally {
      await page.context().close();
    }
  });

  test('with only the read key, a change is refused with the server\'s reason and the write key is asked for', async () => {
    const room = await admin.createRoom('read-only');
    const page = await openWithKey(room, room.keys.read);
    try {
      // A read key may list the agents, not change anything.
      await expect.poll(() => page.textContent('#agent-list')).toBe('No agents yet.');
      await page.fill('#set-topic', 'nope');
      await page.click('#settings-form button[type=submit]');
      await expect.poll(() => page.textContent('#settings-status')).toMatch(/^Not saved: This is the room's read key/);
      expect(await page.isVisible('#room-key-form')).toBe(true);
      expect(await page.textContent('#room-key-why')).toContain('needs its write key or the admin token');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('room-key');
      expect((await admin.getRoom(room.id)).topic).toBeUndefined();

      // Given the write key, the same change goes through.
      await page.fill('#room-key', room.keys.write);
      await page.press('#room-key', 'Enter');
      await expect.poll(() => page.isHidden('#room-key-form')).toBe(true);
      await page.fill('#set-topic', 'now it works');
      await page.click('#settings-form button[type=submit]');
      await expect.poll(async () => (await admin.getRoom(room.id)).topic).toBe('now it works');
    } finally {
      await page.context().close();
    }
  });

  test('rotating keys shows the new ones once, refuses the old, and the page goes on with the new write key', async () => {
    const room = await admin.createRoom('rotate');
    const page = await openWithKey(room, room.keys.write);
    try {
      await page.click('#rotate-keys');
      // Cancel first: nothing changes.
      await page.keyboard.press('Escape');
      expect(await as(room.keys.write).history(room.id)).toEqual([]);
      await page.click('#rotate-keys');
      await page.click('.confirm button:text("Rotate keys")');
      await page.waitForSelector('#keys-secret dd code', { timeout: 15_000 });
      const [write, read] = await page.locator('#keys-secret dd code').allTextContents();
      await expect(as(room.keys.write).history(room.id)).rejects.toMatchObject({ status: 401 });
      await expect(as(room.keys.read).history(room.id)).rejects.toMatchObject({ status: 401 });
      expect(await as(read!).history(room.id)).toEqual([]);
      await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });
      expect(await page.isVisible('#keys-secret')).toBe(true);
      await page.fill('#composer-text', 'posted with the new key');
      await page.press('#composer-text', 'Enter');
      await expect.poll(async () => (await as(write!).history(room.id)).map((m) => m.content)).toEqual(['posted with the new key']);
    } finally {
      await page.context().close();
    }
  });

  test('deleting by keyboard asks first, then the room is gone from the API and the page goes back to the list', async () => {
    const room = await admin.createRoom('doomed');
    await admin.send(room.id, { sender: 'a', content: 'last words' });
    const page = await openWithKey(room, room.keys.write);
    try {
      await page.focus('#delete-room');
      await page.keyboard.press('Enter');
      expect(await page.textContent('.confirm')).toContain('Delete “doomed” and its 1 message for good?');
      // Cancel is focused: Enter on it keeps the room.
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('delete-room');
      expect((await admin.getRoom(room.id)).name).toBe('doomed');

      await page.keyboard.press('Enter');
      await page.keyboard.press('Shift+Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete for good');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#/', null, { timeout: 15_000 });
      expect(await page.textContent('#welcome-notice')).toBe('Deleted the room “doomed”.');
      await expect(admin.getRoom(room.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await page.context().close();
    }
  });

  test('a room deleted elsewhere shows as gone at once, and nothing more can be posted', async () => {
    const room = await admin.createRoom('vanishing');
    const page = await openWithKey(room, room.keys.write);
    try {
      await admin.deleteRoom(room.id);
      await expect.poll(() => page.textContent('#conn'), { timeout: 15_000 }).toBe('Deleted');
      expect(await page.isVisible('#room-gone')).toBe(true);
      expect(await page.isDisabled('#composer-text')).toBe(true);
      expect(await page.isHidden('#settings')).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});
