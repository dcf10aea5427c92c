// Test config: one glob so no test file is silently skipped (the browser files are a project of their own); the API
// suites that matter run a second time on Redis.
import { defineConfig } from 'vitest/config';

/** The API suites that run against the Redis store too (project "redis"; test/helpers/stores.ts picks the store). */
const ON_BOTH_STORES = [
  'test/server/messages.test.ts',
  'test/server/long-poll.test.ts',
  'test/server/stream.test.ts',
  'test/server/auth.test.ts',
  'test/server/agents.test.ts',
  'test/server/room-lifecycle.test.ts',
  'test/server/rooms.test.ts',
  'test/server/redaction.test.ts',
  'test/server/inbox.test.ts',
  'test/server/presence.test.ts',
  'test/server/caller-name.test.ts',
  'test/server/room-pages.test.ts',
];

/** Browser files: one worker (a thread, so it runs beside the forks) and one Chromium for them all (browser-global.ts). */
const BROWSER = ['test/ui/**/*.test.ts'];

/** What runs on a local Redis Cluster too (project "cluster": one cluster of 6 redis-servers for all of them): the
 *  store contract and the API suites of the send, delivery and catalog paths (all of ON_BOTH_STORES would add a
 *  minute of suite time for little the Redis project does not cover). */
const ON_CLUSTER = [
  'test/store/contract/*.test.ts',
  'test/server/messages.test.ts',
  'test/server/long-poll.test.ts',
  'test/server/stream.test.ts',
  'test/server/rooms.test.ts',
  'test/server/room-pages.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for a state (a page redrawn, a stream resumed), not a speed: its 1 s default failed on a busy
    // machine (the UI's "Reconnecting…" after a server stop), so it waits as long as a guard against a hang.
    expect: { poll: { timeout: 15_000 } },
    // In-process, real-process and Redis files on two forks (vitest's default is one fewer than the cores: one here;
    // on a busy machine --maxWorkers=1 goes back to it); the browser files on one thread beside them. Each file has its
    // own temp dirs, ports (0) and redis-server. Three forks would fill the idle third of the CPU (a quiet run used
    // 136% of 2 cores), but with three, tinypool ended every run with "Terminating worker thread" (vitest 3.2.7).
    pool: 'forks',
    // A worker imports the source and the helpers once for all its files instead of once per file (importing was 441 s
    // of a 876 s run): tests share no state through modules, and the helpers' clean-up is registered for every file
    // by the setup file (test/helpers/hooks.ts says how). The browser files stay isolated.
    isolate: false,
    setupFiles: ['test/helpers/setup.ts'],
    maxWorkers: 2,
    minWorkers: 1,
    poolOptions: { threads: { maxThreads: 1, minThreads: 1 } },
    projects: [
      { extends: true, test: { name: 'file', include: ['test/**/*.test.ts'], exclude: BROWSER } },
      { extends: true, test: { name: 'browser', include: BROWSER, pool: 'threads', isolate: true, globalSetup: ['test/helpers/browser-global.ts'] } },
      { extends: true, test: { name: 'redis', include: ON_BOTH_STORES, env: { IM_TEST_STORE: 'redis' } } },
      {
        extends: true,
        test: { name: 'cluster', include: ON_CLUSTER, env: { IM_TEST_STORE: 'cluster' }, globalSetup: ['test/helpers/cluster-setup.ts'] },
      },
    ],
  },
});
