// Real headless Chromium (Debian's package) driven by playwright-core, which downloads no browser of its own. Under
// vitest the browser project's global setup (browser-global.ts) starts one Chromium for every file, and each file
// connects to it; outside (npm run bench) a file launches its own.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath: string | undefined = CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));

/** Locally, browser tests skip without Chromium (with this message); under CI they run and fail. */
export const skipBrowserTests = !chromiumPath && !process.env.CI;
if (skipBrowserTests) {
  process.stderr.write('Skipping browser tests: no Chromium found. Install it with `apt-get install chromium` (CI does).\n');
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared Chromium's address (browser-global.ts); absent where it was not started. */
    chromiumWsEndpoint?: string;
  }
}

/** How Chromium is started, by a file or by the global setup. */
export function launchOptions(): LaunchOptions {
  if (!chromiumPath) {
    throw new Error('No Chromium found (looked for /usr/bin/chromium and CHROMIUM_PATH). .ci/run installs Debian\'s chromium package.');
  }
  return {
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  };
}

/** The shared Chromium when the global setup started one, else one of the caller's own. Closing it closes what the
 *  caller opened in it (a shared one goes on for the other files). */
export async function launchBrowser(): Promise<Browser> {
  const shared = process.env.VITEST ? (await import('vitest')).inject('chromiumWsEndpoint') : undefined;
  if (shared) return chromium.connect(shared);
  return chromium.launch(launchOptions());
}
