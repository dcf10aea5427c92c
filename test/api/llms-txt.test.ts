// GET /llms.txt: a plain-text guide naming every route family and the MCP tools, with the server's URL filled in.
import { execFile } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { startServer } from '../../src/server/start.js';
import { tempDir } from '../helpers/temp-dir.js';
import { guidePath } from '../../src/api/llms-txt.js';
import { ROUTES } from '../../src/api/route-table.js';
import { VERSION } from '../../src/version.js';
import { testApp } from '../helpers/app.js';
import { webhookApp } from '../helpers/webhook-app.js';
import { toolNames } from '../helpers/mcp.js';

describe('GET /llms.txt', () => {
  test('is plain text with this server\'s base URL filled in', async () => {
    const { app } = await testApp();
    const res = await app.request('http://10.1.2.3:9000/llms.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('-X POST http://10.1.2.3:9000/agent/rooms/$ROOM/messages');
    expect(text).toContain('http://10.1.2.3:9000/mcp');
    expect(text).toContain('--server http://10.1.2.3:9000');
    expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
    // The package is not on npm yet: the guide also says how to run it from a clone.
    expect(text).toContain(`npx -y file:/path/to/im-for-agents-${VERSION}.tgz`);
  });

  test('names every route family and route of the app, and every MCP tool', async () => {
    const { app } = await webhookApp();
    const text = await (await app.request('http://h:1/llms.txt')).text();
    const families = new Set(ROUTES.map((r) => r.family));
    expect(families.size).toBeGreaterThanOrEqual(8);
    for (const r of app.routes.filter((r) => !r.path.endsWith('*'))) {
      expect(text, `${r.path} is served but not in src/api/route-table.ts`).toContain(`${r.method === 'ALL' ? '' : r.method} http://h:1${guidePath(r.path)}`);
    }
    for (const name of await toolNames()) expect(text, name).toContain(name);
  });

  test('fits in 2,000 tokens (characters / 4) and teaches from=, the 60 s cap, as, @mentions, inboxes and ids', async () => {
    const { app } = await testApp();
    const text = await (await app.request('http://127.0.0.1:7331/llms.txt')).text();
    process.stderr.write(`llms.txt: ${text.length} characters, about ${Math.ceil(text.length / 4)} tokens\n`);
    expect(text.length / 4).toBeLessThan(2000);
    for (const needle of ['from=reviewer', '60 s', 'as=NAME', '@name', '/inbox?as=NAME', 'addressed by id']) expect(text, needle).toContain(needle);
  });

  test('an agent that runs the hand-off lines literally gets the reviewer\'s answer, not a noisy third agent\'s chatter', async () => {
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: await tempDir(), log: () => {} });
    const api = new Client({ baseUrl: server.url });
    const noise = new AbortController();
    try {
      const text = await (await fetch(`${server.url}/llms.txt`)).text();
      // The indented lines of the hand-off section, as a person or an agent would paste them.
      const section = text.slice(text.indexOf('## Hand off work'), text.indexOf('\n## ', text.indexOf('## Hand off work') + 3));
      const script = section.split('\n').filter((l) => l.startsWith('    ')).map((l) => l.slice(4)).join('\n');
      expect(script).toContain('from=reviewer&wait=60');
      const { roomId } = await api.createRoom('team');
      await api.send(roomId, { sender: 'chatter', content: 'noise before' });
      // The third agent talks all along.
      void (async () => {
        for (let i = 0; !noise.signal.aborted; i++) {
          await api.send(roomId, { sender: 'chatter', content: `noise ${i}` });
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      // The reviewer answers the task once it sees it, after a little more chatter.
      const reviewer = api.waitFor(roomId, { from: 'planner', to: 'reviewer', after: 0, timeoutMs: 20_000 }).then(async (task) => {
        await new Promise((r) => setTimeout(r, 300));
        await api.send(roomId, { sender: 'reviewer', content: 'LGTM', replyTo: task!.id });
      });
      const out = await new Promise<string>((resolve, reject) =>
        execFile('bash', ['-c', `set -e\n${script}`], { env: { PATH: process.env.PATH ?? '', ROOM: roomId } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
      await reviewer;
      const answer = JSON.parse(out) as { messages: { sender: string; content: string }[] };
      expect(answer.messages.map((m) => [m.sender, m.content])).toEqual([['reviewer', 'LGTM']]);
    } finally {
      noise.abort();
      await server.shutdown();
    }
  });
});
