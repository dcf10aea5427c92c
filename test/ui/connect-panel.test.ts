// The "Connect an agent" panel in real Chromium: its wait line, run as shown with real curl, waits from the room's newest
// message (after=0 answered with the whole history at once); with auth on, every curl line sends the key.
import { execFile } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { History } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

const ADMIN = 'ima_connect-panel-test-admin-token';

/** The panel's text once open, and its curl lines. */
async function panel(page: Page): Promise<{ text: string; curls: string[] }> {
  await page.click('#connect summary');
  const text = (await page.textContent('#connect-body')) ?? '';
  const codes = await page.locator('#connect-body pre code').allTextContents();
  return { text, curls: codes.flatMap((c) => c.split('\n')).filter((l) => l.startsWith('curl')) };
}

/** Runs a shown line with bash, as a person pasting it would, with IM_KEY set. */
function runLine(line: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', line.replace(/^curl /, 'curl -sS ')], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

describe.skipIf(skipBrowserTests)('connect panel, auth off', () => {
  const shared = browserAndServer();
  let browser: Browser;
  let server: RunningServer;
  beforeAll(() => ({ browser, server } = shared));

  test('the wait line, run as shown, returns the next message, not the history', async () => {
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('busy');
    for (const content of ['one', 'two', 'three']) await client.send(roomId, { sender: 'someone', content });
    const page = await browser.newPage();
    await page.goto(`${server.url}/#/room/${roomId}`);
    const { text, curls } = await panel(page);
    expect(text).not.toContain('after=0');
    expect(text).not.toContain('Authorization');
    const waitLine = curls.find((l) => l.includes('wait='))!;
    const waiting = runLine(waitLine);
    await expect.poll(async () => (await client.presence(roomId)).agents.some((a) => a.name === 'my-agent' && a.listening)).toBe(true);
    await client.send(roomId, { sender: 'someone', content: 'new' });
    expect((JSON.parse(await waiting) as History).messages.map((m) => m.content)).toEqual(['new']);
    await page.close();
  });
});

describe.skipIf(skipBrowserTests)('connect panel, auth on', () => {
  const shared = browserAndServer({ token: ADMIN });
  let browser: Browser;
  let server: RunningServer;
  beforeAll(() => ({ browser, server } = shared));

  test('every curl line carries the Authorization header from $IM_KEY, and works with the room key set', async () => {
    const room = await new Client({ baseUrl: server.url, key: ADMIN }).createRoom('locked');
    const page = await browser.newPage();
    await page.goto(`${server.url}/#/room/${room.id}`);
    await page.waitForSelector('#room-key-form', { state: 'visible', timeout: 15_000 });
    await page.fill('#room-key', room.keys.write);
    await page.press('#room-key', 'Enter');
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'Live', null, { timeout: 15_000 });
    await page.click('#connect summary');
    await expect.poll(async () => (await page.textContent('#connect-body')) ?? '').toContain('Authorization: Bearer $IM_KEY');
    await page.click('#connect summary');
    const { text, curls } = await panel(page);
    expect(text).not.toContain(room.keys.write);
    expect(curls.length).toBeGreaterThanOrEqual(3);
    for (const line of curls) expect(line).toContain('-H "Authorization: Bearer $IM_KEY"');
    const post = JSON.parse(await runLine(curls.find((l) => l.includes('-X POST'))!, { IM_KEY: room.keys.write })) as { seq: number };
    expect(post.seq).toBe(1);
    await page.close();
  });
});
