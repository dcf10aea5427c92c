// An in-process app over a real store (files in a temp dir, or Redis under IM_TEST_STORE=redis), plus a typed client
// whose fetch is app.request; every answer it gives is checked against the OpenAPI document (contract.ts).
import { Client } from '../../src/client/client.js';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { FileStore, type FileStoreOptions } from '../../src/store/file/file-store.js';
import { checkingContract } from './contract.js';
import { TEST_STORE, openStoreOf } from './stores.js';
import { tempDir } from './temp-dir.js';
import { afterEachTest } from './hooks.js';

const open: FileStore[] = [];

afterEachTest(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

export async function openStore(options: Partial<FileStoreOptions> = {}): Promise<FileStore> {
  const store = new FileStore({ dir: options.dir ?? (await tempDir()), warn: () => {}, ...options });
  await store.open();
  open.push(store);
  return store;
}

export async function testApp(options: Partial<AppOptions> & { storeOptions?: Partial<FileStoreOptions> } = {}) {
  const store = options.store ?? (await openStoreOf(TEST_STORE, options.storeOptions));
  const app = createApp({ log: () => {}, ...options, store });
  app.request = checkingContract(app.request);
  const fetch = async (input: string, init?: RequestInit) => app.request(input, init);
  const client = new Client({ baseUrl: 'http://test', fetch });
  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return { app, store, client, fetch, json };
}
