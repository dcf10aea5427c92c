// Clean-up that a helper module needs after each test or each test file. The file, Redis and cluster projects share
// modules between test files (isolate: false, so a worker imports the source and helpers once): a helper's module
// body runs once per worker, so a vitest hook it registered at import would serve only the first file. Helpers add
// their clean-up here instead, and test/helpers/setup.ts (a setup file, run before every test file) registers these
// lists for each file. This module imports nothing from vitest, so a global setup may import helpers that use it.

type Cleanup = () => unknown;

const perTest: Cleanup[] = [];
const perFile: Cleanup[] = [];

/** Runs `fn` after each test of every file that runs after this call (in the worker). */
export function afterEachTest(fn: Cleanup): void {
  perTest.push(fn);
}

/** Runs `fn` after all tests of each file. */
export function afterTestFile(fn: Cleanup): void {
  perFile.push(fn);
}

/** Last registered runs first, one after another, as vitest runs after-hooks (a helper imported later, such as
 *  webhook-app.ts after app.ts, stops what it started on top of the other's before the other closes). */
async function runAll(list: readonly Cleanup[]): Promise<void> {
  const errors: unknown[] = [];
  for (const fn of [...list].reverse()) {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  // Every clean-up ran; the first failure (a contract check's, say) fails the test.
  if (errors.length > 0) throw errors[0];
}

export const runAfterEachTest = () => runAll(perTest);
export const runAfterTestFile = () => runAll(perFile);
