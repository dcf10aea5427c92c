// Setup file of every project (vitest.config.ts): runs before each test file, also when files share modules, and
// registers the helpers' clean-up (test/helpers/hooks.ts) for that file.
import { afterAll, afterEach } from 'vitest';
import { runAfterEachTest, runAfterTestFile } from './hooks.js';

afterEach(runAfterEachTest);
afterAll(runAfterTestFile);
