// Presence in real Chromium: the room header lists who listens now (an agent's SSE stream named by its key, another's
// long-poll named by ?as=) and who was only seen, and follows a stream that closes; the person watching is listed
// under the name their page posts as ("human", or the name they picked) while it has the room open.
import { beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { RunningServer } from '../../src/server/start.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { browserAndServer } from '../helpers/browser-server.js';

describe.skipIf(skipBrowserTests)('presence', () => {
  const shared = browserAndServer();
  let server: RunningServer;
  beforeAll(() => ({ server } = shared));

  test('the header shows who listens and who was only seen, and follows changes', async () => {
    const client = new Client({ baseUrl: server.url });
    const room = await client.createRoom('who');
    const alice = new Client({ baseUrl: server.url, key: (await client.addAgent(room.id, 'alice')).key });
    await client.send(room.id, { sender: 'carol', content: 'I post but do not listen' });

    // alice streams (her agent key names her); bob long-polls as "bob".
    const stopAlice = new AbortController();
    const aliceReading = (async () => {
      for await (const _ of alice.stream(room.id, { signal: stopAlice.signal })) void _;
    })();
    const stopBob = new AbortController();
    const bobWaiting = client.history(room.id, { after: 1, wait: 60, as: 'bob', signal: stopBob.signal }).catch(() => []);
    await expect.poll(async () => (await client.presence(room.id)).agents.filter((a) => a.listening).map((a) => a.name).sort()).toEqual(['alice', 'bob']);

    const page = await shared.browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    const names = (list: string) => page.$$eval(`#presence ul.${list} li`, (lis) => lis.map((li) => li.getAttribute('data-name')));
    try {
      await page.goto(`${server.url}/#/room/${room.id}`);
      await expect.poll(() => names('listening'), { timeout: 15_000 }).toEqual(expect.arrayContaining(['alice', 'bob']));
      expect(await names('away')).toEqual(['carol']);
      expect(await page.textContent('#presence')).toMatch(/^Listening:.*· Seen:/);
      // The page listens under the name it posts as: "human" until the person picks another.
      await expect.poll(() => names('listening'), { timeout: 15_000 }).toContain('human');

      // alice's stream closes: within a refresh or two (plus the server's grace) she is only seen.
      stopAlice.abort();
      await aliceReading;
      await expect.poll(() => names('away'), { timeout: 20_000 }).toContain('alice');
      expect((await names('listening')).sort()).toEqual(['bob', 'human']);

      // The person picks a name; their page's stream then lists them as listening.
      await page.fill('#composer-name', 'Ada');
      await page.dispatchEvent('#composer-name', 'change');
      await page.reload();
      await expect.poll(() => names('listening'), { timeout: 20_000 }).toContain('Ada');
      expect((await client.presence(room.id)).agents.find((a) => a.name === 'Ada')?.listening).toBe(true);
    } finally {
      stopAlice.abort();
      stopBob.abort();
      await bobWaiting;
      await page.close();
    }
  });
});
