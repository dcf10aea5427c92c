// The library entry as a user gets it: `import … from 'im-for-agents'` resolves to the built dist/index.js (run
// `npx tsup` first), its exports work together, and its declarations carry the JSDoc an editor shows.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { ROOT } from './bench/processes.js';
import { tempDir } from './helpers/temp-dir.js';

const run = promisify(execFile);

describe('the package entry (dist)', () => {
  test('startServer, createApp, listen, FileStore and Client import by the package name and serve a room', async () => {
    const dir = await tempDir();
    // A script outside the source tree, run by plain Node from the package root: the package resolves itself by name
    // through package.json's "exports", as a project that installed it would.
    const script = `
      import { Client, FileStore, createApp, listen, startServer } from 'im-for-agents';
      const data = ${JSON.stringify(dir)};
      const started = await startServer({ host: '127.0.0.1', port: 0, dataDir: data + '/served', ui: false, log: () => {} });
      const client = new Client({ baseUrl: started.url });
      const { roomId } = await client.createRoom('entry');
      await client.send(roomId, { sender: 'user', content: 'hello' });
      const history = await client.history(roomId, { limit: 5 });
      await started.shutdown();

      const store = new FileStore({ dir: data + '/embedded', warn: () => {} });
      await store.open();
      const listening = await listen(createApp({ store, log: () => {} }), { host: '127.0.0.1', port: 0 });
      const embedded = new Client({ baseUrl: listening.url });
      const room = await embedded.createRoom('embedded');
      await embedded.send(room.roomId, { sender: 'user', content: 'hi' });
      await listening.drain();
      await listening.close();
      const kept = await store.read(room.roomId, { limit: 5 });
      await store.close();
      console.log(JSON.stringify({ served: history.map((m) => m.content), embedded: kept.map((m) => m.content) }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ served: ['hello'], embedded: ['hi'] });
  });

  test.each(['createApp', 'listen', 'startServer', 'FileStore', 'Client'])('%s has JSDoc in dist/index.d.ts', async (name) => {
    const dts = await readFile(join(ROOT, 'dist/index.d.ts'), 'utf8');
    // The declaration, and the comment that ends on the line before it.
    const at = dts.search(new RegExp(`^declare (function|class) ${name}\\b`, 'm'));
    expect(at, `${name} is declared`).toBeGreaterThan(0);
    expect(dts.slice(0, at).trimEnd().endsWith('*/'), `${name} has a comment`).toBe(true);
    const comment = dts.slice(dts.lastIndexOf('/**', at), at);
    expect(comment.length, `${name}'s comment says something`).toBeGreaterThan(120);
  });
});
