// GET /llms.txt: a plain-text guide naming every route family and the MCP tools, with the server's URL filled in.
import { describe, expect, test } from 'vitest';
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
    expect(text).toContain('curl -X POST http://10.1.2.3:9000/agent/rooms/$ROOM/messages');
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
});
