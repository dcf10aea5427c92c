// Real headless Chromium (Debian's packages) driven by playwright-core, which downloads no browser of its own. Under
// vitest the browser project's global setup (browser-global.ts) starts one Chromium for every file, and each file
// connects to it; outside (npm run bench) a file launches its own.
//
// The shared one is Chromium's headless shell (Debian's chromium-headless-shell, the same Blink and V8 as chromium, and
// what Playwright's own headless mode runs) when it is installed: the full browser's headless mode also runs the
// browser's own WebUI pages in a renderer of their own, and the browser files spent 234 s of machine CPU on it against
// 115-146 s on the shell, same tests. The shell lacks one thing the tests need: its Notification.permission always reads
// "denied" (requestPermission answers "granted"), so the notifications file asks for the full browser.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const SHELL_CANDIDATES = [process.env.CHROMIUM_HEADLESS_SHELL_PATH, '/usr/bin/chromium-headless-shell'];
const found = (paths: (string | undefined)[]) => paths.find((p): p is string => Boolean(p && existsSync(p)));

/** The full browser (a file that needs what the headless shell lacks, and the fallback without a shell). */
export const chromiumPath: string | undefined = found(CANDIDATES);
/** The headless shell, or the full browser where no shell is installed. Under CI both are (.ci/run). */
const sharedPath: string | undefined = process.env.CHROMIUM_PATH ? chromiumPath : (found(SHELL_CANDIDATES) ?? chromiumPath);

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

/** How Chromium is started, by a file or by the global setup: the shared kind (the headless shell where it is
 *  installed), or with `full` the full browser. */
export function launchOptions({ full = false } = {}): LaunchOptions {
  const executablePath = full ? chromiumPath : sharedPath;
  if (!executablePath) {
    throw new Error('No Chromium found (looked for /usr/bin/chromium and CHROMIUM_PATH). .ci/run installs Debian\'s chromium package.');
  }
  return {
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  };
}

/** The shared Chromium when the global setup started one, else one of the caller's own; with `full`, always the
 *  caller's own full browser. Closing it closes what the caller opened in it (a shared one goes on for the other files). */
export async function launchBrowser({ full = false } = {}): Promise<Browser> {
  const shared = process.env.VITEST && !full ? (await import('vitest')).inject('chromiumWsEndpoint') : undefined;
  if (shared) return chromium.connect(shared);
  return chromium.launch(launchOptions({ full }));
}
