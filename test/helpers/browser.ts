// Real headless Chromium (Debian's package) driven by playwright-core, which downloads no browser of its own.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath: string | undefined = CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));

/** Locally, browser tests skip without Chromium (with this message); under CI they run and fail. */
export const skipBrowserTests = !chromiumPath && !process.env.CI;
if (skipBrowserTests) {
  process.stderr.write('Skipping browser tests: no Chromium found. Install it with `apt-get install chromium` (CI does).\n');
}

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumPath) {
    throw new Error('No Chromium found (looked for /usr/bin/chromium and CHROMIUM_PATH). .ci/run installs Debian\'s chromium package.');
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
