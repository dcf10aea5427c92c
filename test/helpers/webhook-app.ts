// An in-process app with webhooks on, over a real file store in a temp dir, with fast retries for tests.
import { Webhooks, type WebhookOptions } from '../../src/webhooks/webhooks.js';
import type { AppOptions } from '../../src/server/app.js';
import { openStore, testApp } from './app.js';
import { tempDir } from './temp-dir.js';
import { afterEachTest } from './hooks.js';

const opened: Webhooks[] = [];

// Registered after app.ts's own afterEach, so it runs first: workers stop before their store closes.
afterEachTest(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

export async function openWebhooks(options: Partial<WebhookOptions> & Pick<WebhookOptions, 'store' | 'dataDir'>): Promise<Webhooks> {
  const webhooks = new Webhooks({ allowPrivate: true, backoff: { baseMs: 20, maxMs: 100 }, timeoutMs: 2000, log: () => {}, ...options });
  await webhooks.open();
  opened.push(webhooks);
  return webhooks;
}

export async function webhookApp(options: { hooks?: Partial<WebhookOptions>; app?: Partial<AppOptions>; dir?: string } = {}) {
  const dir = options.dir ?? (await tempDir());
  const store = await openStore({ dir });
  const webhooks = await openWebhooks({ store, dataDir: dir, ...options.hooks });
  return { dir, webhooks, ...(await testApp({ ...options.app, store, webhooks })) };
}
