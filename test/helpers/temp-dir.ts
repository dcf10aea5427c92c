// Fresh temporary directories for tests, removed after each test (or, for a server shared by a file's tests, after all).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEachTest, afterTestFile } from './hooks.js';

const perTest: string[] = [];
const perFile: string[] = [];
const removeAll = async (dirs: string[]) => void (await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

afterEachTest(() => removeAll(perTest));
afterTestFile(() => removeAll(perFile));

async function made(list: string[], prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  list.push(dir);
  return dir;
}

export const tempDir = (prefix = 'im-test-'): Promise<string> => made(perTest, prefix);

/** Like tempDir, but kept until the file's tests are all done: for a server started in beforeAll. */
export const tempDirForAll = (prefix = 'im-test-'): Promise<string> => made(perFile, prefix);
