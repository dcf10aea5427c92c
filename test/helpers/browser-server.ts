// For a file of browser tests: one Chromium and one in-process server (temp data dir, 127.0.0.1, port 0), started
// before its tests and stopped after them all.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start.js';
import type { ServerOptions } from '../../src/server/options.js';
import { launchBrowser } from './browser.js';
import { tempDirForAll } from './temp-dir.js';

/** Call inside the file's describe; the fields are set once beforeAll has run. */
export function browserAndServer(config: Partial<ServerOptions> = {}, { fullBrowser = false } = {}): { browser: Browser; server: RunningServer } {
  const shared = {} as { browser: Browser; server: RunningServer };
  beforeAll(async () => {
    [shared.browser, shared.server] = await Promise.all([
      launchBrowser({ full: fullBrowser }),
      tempDirForAll().then((dataDir) => startServer({ host: '127.0.0.1', port: 0, dataDir, log: () => {}, ...config })),
    ]);
  });
  afterAll(async () => {
    await Promise.all([shared.browser?.close(), shared.server?.shutdown()]);
  });
  return shared;
}
