// The web UI in real headless Chromium against a real server process: list, create, live, post, reconnect, XSS, search.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { Client } from '../../src/client/client.js';
import { launchBrowser, skipBrowserTests } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const exec = promisify(execFile);
const SCREENSHOT = fileURLToPath(new URL('../../ui/screenshot.png', import.meta.url));
/** The README's screenshot is rewritten only when asked (`npm run screenshot`), so a test run leaves a clone clean. */
const UPDATE_SCREENSHOT = Boolean(process.env.UPDATE_SCREENSHOT);

describe.skipIf(skipBrowserTests)('web UI', () => {
  let browser: Browser;
  const cspViolations: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    // The page runs under the server's CSP (no inline script or style): nothing it does may be blocked.
    expect(cspViolations).toEqual([]);
  });

  async function setup(width = 1200, height = 800): Promise<{ server: ServerProcess; client: Client; page: Page; dir: string }> {
    const dir = await tempDir();
    const server = await startServer(dir);
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (err) => {
      throw err;
    });
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    return { server, client: new Client({ baseUrl: server.url }), page, dir };
  }

  const seqsShown = (page: Page) => page.$$eval('#messages li.message', (lis) => lis.map((li) => Number(li.getAttribute('data-seq'))));

  test('lists rooms with counts and creates a room', async () => {
    const { server, client, page } = await setup();
    const existing = await client.createRoom('existing-room');
    await client.sendBatch(existing.roomId, [{ sender: 'a', content: 'one' }, { sender: 'b', content: 'two' }]);
    await page.goto(server.url);
    await expect.poll(() => page.textContent('#room-list')).toContain('existing-room');
    expect(await page.textContent('#room-list')).toContain('2 msg');
    expect(await page.textContent('#room-list .unread')).toBe('2');

    await page.fill('#new-room-name', 'made-in-the-browser');
    await page.click('#create-room button');
    await page.waitForFunction(() => location.hash.startsWith('#/room/'));
    await expect.poll(() => page.textContent('#room-name')).toBe('made-in-the-browser');
    const rooms = await client.listRooms();
    expect(rooms.map((r) => r.name)).toContain('made-in-the-browser');
    await page.close();
  });

  test('a message posted by curl appears live, without a reload', async () => {
    const { server, client, page } = await setup();
    const { roomId } = await client.createRoom('live');
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => page.textContent('#conn')).toBe('Live');
    await exec('curl', ['-s', '-X', 'POST', `${server.url}/agent/rooms/${roomId}/messages`, '-H', 'Content-Type: application/json', '-d', '{"sender":"curl-agent","content":"posted with **curl**","to":["human"],"type":"note","metadata":{"k":1}}']);
    const item = page.locator('#messages li.message').first();
    await expect.poll(() => item.textContent()).toContain('posted with curl');
    expect(await item.locator('.content strong').textContent()).toBe('curl');
    expect(await item.locator('.sender').textContent()).toBe('curl-agent');
    expect(await item.locator('.to').textContent()).toBe('→ human');
    expect(await item.locator('.type').textContent()).toBe('note');
    expect(await item.locator('details.metadata').getAttribute('open')).toBeNull();
    await page.close();
  });

  test('a person posts into the room and the message reaches the history API', async () => {
    const { server, client, page } = await setup();
    const { roomId } = await client.createRoom('human');
    await page.goto(`${server.url}/#/room/${roomId}`);
    // A name is there from the start, so the first post is never blocked; the person can change it.
    expect(await page.inputValue('#composer-name')).toBe('human');
    await page.fill('#composer-name', 'Ada');
    await page.fill('#composer-to', 'planner, coder');
    await page.fill('#composer-text', 'Stop: use the staging database.');
    await page.press('#composer-text', 'Enter');
    await expect.poll(async () => (await client.history(roomId)).map((m) => [m.sender, m.content, m.to])).toEqual([['Ada', 'Stop: use the staging database.', ['planner', 'coder']]]);
    await expect.poll(() => page.textContent('#messages')).toContain('Stop: use the staging database.');
    // The box clears when the server acknowledges the post, which can come after the stream shows the message.
    await expect.poll(() => page.inputValue('#composer-text')).toBe('');
    // The name is remembered.
    await page.reload();
    expect(await page.inputValue('#composer-name')).toBe('Ada');
    await page.close();
  });

  test('after the server restarts, the stream resumes with no gap and no duplicate', async () => {
    const { server, client, page, dir } = await setup();
    const { roomId } = await client.createRoom('restart');
    await client.sendBatch(roomId, [1, 2].map((n) => ({ sender: 'a', content: `before ${n}` })));
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => seqsShown(page)).toEqual([1, 2]);
    await expect.poll(() => page.textContent('#conn')).toBe('Live');

    const port = new URL(server.url).port;
    expect(await server.stop()).toBe(0);
    await expect.poll(() => page.textContent('#conn')).toBe('Reconnecting…');
    const restarted = await startServerOnPort(dir, port);
    const client2 = new Client({ baseUrl: restarted.url });
    await client2.sendBatch(roomId, [3, 4].map((n) => ({ sender: 'b', content: `after ${n}` })));
    await expect.poll(() => seqsShown(page), { timeout: 10_000 }).toEqual([1, 2, 3, 4]);
    await expect.poll(() => page.textContent('#conn')).toBe('Live');
    await client2.send(roomId, { sender: 'b', content: 'after 5' });
    await expect.poll(() => seqsShown(page)).toEqual([1, 2, 3, 4, 5]);
    await page.close();
  });

  test('with auth on, the page asks once for a key and remembers it for the room', async () => {
    const dir = await tempDir();
    const admin = 'ima_browser-test-admin-token';
    const server = await startServer(dir, ['--token', admin]);
    const room = await new Client({ baseUrl: server.url, key: admin }).createRoom('guarded');
    await new Client({ baseUrl: server.url, key: room.keys.write }).send(room.roomId, { sender: 'agent', content: 'secret plan' });
    const page = await browser.newPage();
    await page.goto(server.url);
    await expect.poll(() => page.isVisible('#admin-key-form')).toBe(true);
    await page.goto(`${server.url}/#/room/${room.roomId}`);
    await expect.poll(() => page.isVisible('#room-key-form')).toBe(true);
    expect(await page.textContent('#messages')).not.toContain('secret plan');
    await page.fill('#room-key', room.keys.write);
    await page.click('#room-key-form button');
    await expect.poll(() => page.textContent('#messages')).toContain('secret plan');
    await page.reload();
    await expect.poll(() => page.textContent('#messages')).toContain('secret plan');
    expect(await page.isVisible('#room-key-form')).toBe(false);
    await page.fill('#composer-name', 'Ada');
    await page.fill('#composer-text', 'approved');
    await page.press('#composer-text', 'Enter');
    await expect.poll(async () => (await new Client({ baseUrl: server.url, key: room.keys.read }).history(room.roomId)).map((m) => m.content)).toEqual(['secret plan', 'approved']);
    await page.close();
  });

  test('HTML and script in a message render as text and never run', async () => {
    const { server, client, page } = await setup();
    const { roomId } = await client.createRoom('xss');
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    await client.send(roomId, { sender: 'evil', content: '<img src=x onerror=alert(1)>' });
    await client.send(roomId, { sender: 'evil', content: 'hi <script>alert(2)</script> [x](javascript:alert(3))' });
    await client.send(roomId, { sender: 'evil', content: '```html\n<b>kept as code</b>\n```' });
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => seqsShown(page)).toEqual([1, 2, 3]);
    const contents = await page.$$eval('#messages .content', (els) => els.map((e) => e.textContent ?? ''));
    expect(contents[0]).toContain('<img src=x onerror=alert(1)>');
    expect(contents[1]).toContain('<script>alert(2)</script>');
    expect(contents[2]).toContain('<b>kept as code</b>');
    expect(await page.locator('#messages img, #messages script, #messages a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('#messages pre code').count()).toBe(1);
    await page.click('#messages li.message >> nth=1 >> a').catch(() => {});
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  test('search finds a message, and the sender filter narrows the view', async () => {
    const { server, client, page } = await setup();
    const { roomId } = await client.createRoom('search');
    await client.sendBatch(roomId, [
      { sender: 'planner', content: 'Plan: migrate the billing tables' },
      { sender: 'coder', content: 'Working on it' },
      { sender: 'reviewer', content: 'The migration looks risky' },
    ]);
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => seqsShown(page)).toEqual([1, 2, 3]);
    await page.fill('#search-q', 'billing');
    await page.press('#search-q', 'Enter');
    await expect.poll(() => page.textContent('#results-title')).toBe('1 match for “billing”');
    expect(await page.textContent('#results-list')).toContain('Plan: migrate the billing tables');
    await page.selectOption('#sender-filter', 'coder');
    expect(await page.locator('#messages li.message:visible').count()).toBe(1);
    expect(await page.textContent('#messages li.message:visible')).toContain('Working on it');
    await page.close();
  });

  test.each([
    ['desktop', 1200],
    ['phone', 390],
  ])('a 200-character sender leaves the search box usable and the page unscrolled sideways (%s)', async (_, width) => {
    const { server, client, page } = await setup(width, 800);
    const { roomId } = await client.createRoom('long names');
    const long = 'a-very-long-agent-name-'.repeat(9).slice(0, 200);
    await client.sendBatch(roomId, [
      { sender: 'planner', content: 'short name' },
      { sender: long, content: 'long name', to: [long] },
    ]);
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => seqsShown(page)).toEqual([1, 2]);
    await page.fill('#search-q', 'name');
    await page.selectOption('#sender-filter', long);
    await page.press('#search-q', 'Enter');
    await expect.poll(() => page.textContent('#results-title')).toContain('1 match');
    const box = await page.$eval('#search-q', (e) => e.getBoundingClientRect().width);
    const form = await page.$eval('#search', (e) => e.getBoundingClientRect().width);
    // Before the fix the select took the width of the 200-character option and left the box a few pixels wide.
    expect(box).toBeGreaterThanOrEqual(Math.min(160, form * 0.4));
    const overflow = await page.evaluate(() =>
      ['html', '#scroller', '#results', '.toolbar'].map((sel) => {
        const e = document.querySelector(sel)!;
        return [sel, e.scrollWidth - e.clientWidth];
      }),
    );
    expect(overflow).toEqual(['html', '#scroller', '#results', '.toolbar'].map((sel) => [sel, 0]));
    await page.close();
  });

  test('exports the room as JSON Lines and Markdown downloads', async () => {
    const { server, client, page } = await setup();
    const { roomId } = await client.createRoom('export me');
    await client.sendBatch(roomId, [{ sender: 'a', content: 'first' }, { sender: 'b', content: 'second', type: 'result' }]);
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => seqsShown(page)).toEqual([1, 2]);
    const read = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const chunks: Buffer[] = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
      return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
    };
    const jsonl = await read('#export-jsonl');
    expect(jsonl.name).toBe(`export me-${roomId}.jsonl`);
    expect(jsonl.text.trim().split('\n').map((l) => JSON.parse(l).content)).toEqual(['first', 'second']);
    const md = await read('#export-md');
    expect(md.name).toMatch(/\.md$/);
    expect(md.text).toMatch(/^# export me\n[\s\S]*### #2 b · .* · type `result`\n\n> second/);
    await page.close();
  });

  test('a long room opens on its newest messages and loads older ones on scroll, keeping the place', async () => {
    const { server, client, page } = await setup();
    const { roomId } = await client.createRoom('long');
    await client.sendBatch(roomId, Array.from({ length: 1000 }, (_, i) => ({ sender: `agent-${i % 3}`, content: `message number ${i + 1}` })));
    await page.goto(`${server.url}/#/room/${roomId}`);
    // How soon is the benchmark's business (npm run bench, ui rows); here only what is drawn, given time on a busy machine.
    await expect.poll(async () => (await seqsShown(page)).length, { timeout: 10_000 }).toBe(100);
    expect((await seqsShown(page))[0]).toBe(901);
    // The newest 20 are drawn first and the rest of the page after; the view stays on the newest message, also once
    // the header has grown by the presence line.
    await page.waitForSelector('#presence', { state: 'visible', timeout: 15_000 });
    expect(await page.$eval('#scroller', (s) => s.scrollHeight - s.scrollTop - s.clientHeight)).toBeLessThan(48);
    expect(await page.locator('#m-1000').isVisible()).toBe(true);
    const anchor = page.locator('#m-901');
    await page.$eval('#scroller', (s) => (s.scrollTop = 0));
    await expect.poll(async () => (await seqsShown(page)).length).toBeGreaterThan(100);
    const shown = await seqsShown(page);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => 1001 - shown.length + i));
    expect(await anchor.isVisible()).toBe(true);
    await page.close();
  });

  test('reads at a phone width, and a screenshot of agents talking is taken for the README', async () => {
    const { server, client, page } = await setup(1100, 700);
    const { roomId } = await client.createRoom('release-1.4');
    const say = (sender: string, content: string, extra: Partial<Message> = {}) => client.send(roomId, { sender, content, ...extra });
    const plan = await say('planner', 'Release 1.4: **coder** fixes the flaky upload test, **reviewer** checks the diff, I write the notes.', { to: ['coder', 'reviewer'], type: 'task' });
    await say('coder', 'Found it: the test raced the upload. Fix:\n```ts\nawait upload.done;\nexpect(files).toHaveLength(3);\n```', { replyTo: plan.id, type: 'result', metadata: { pr: 812, tests: 'passing' } });
    await say('reviewer', 'Diff looks right. One nit: name the constant `UPLOAD_TIMEOUT_MS`.', { to: ['coder'] });
    await say('coder', 'Renamed. CI is green on `main`.', { type: 'result' });
    await page.goto(`${server.url}/#/room/${roomId}`);
    await expect.poll(() => seqsShown(page)).toEqual([1, 2, 3, 4]);
    await page.fill('#composer-name', 'Ada');
    await page.fill('#composer-text', 'Ship it after the nit.');
    const png = await page.screenshot(UPDATE_SCREENSHOT ? { path: SCREENSHOT } : {});
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    await page.click('#connect summary');
    const snippets = await page.textContent('#connect-body');
    expect(snippets).toContain(`curl -X POST ${server.url}/agent/rooms/${roomId}/messages`);
    expect(snippets).toContain(`npx im-for-agents send ${roomId}`);
    expect(snippets).toContain('npm link there once, then im-for-agents');
    expect(snippets).toContain(`BASE, ROOM = "${server.url}", "${roomId}"`);
    expect(await page.locator('#messages').isVisible()).toBe(true);

    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.locator('#room-list').isVisible()).toBe(false);
    expect(await page.locator('#create-room').isVisible()).toBe(false);
    expect(await page.locator('#composer-text').isVisible()).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});

async function startServerOnPort(dir: string, port: string): Promise<ServerProcess> {
  // The port was just released by the stopped server; retry briefly in case the OS has not let go yet.
  for (let i = 0; ; i++) {
    try {
      return await startServer(dir, ['--port', port]);
    } catch (err) {
      if (i > 20) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
