// What a start makes in the data folder, noted before it begins, so a start that fails takes it away again and
// leaves everything that was there before.
import { readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => err.code !== 'ENOENT',
  );

/**
 * Returns the function that removes what was made in `dir` since this call: the highest folder on its path that did
 * not exist (with everything in it), or, in a folder that existed, the entries it did not hold. Call it only while
 * this process holds the folder's lock, or after releasing it at once, so nothing else wrote there meanwhile.
 */
export async function dataDirUndo(dir: string): Promise<() => Promise<void>> {
  let created: string | undefined;
  for (let d = resolve(dir); !(await exists(d)); d = dirname(d)) {
    created = d;
    if (dirname(d) === d) break;
  }
  if (created !== undefined) {
    const top = created;
    return () => rm(top, { recursive: true, force: true });
  }
  let before: Set<string>;
  try {
    before = new Set(await readdir(dir));
  } catch {
    return async () => {}; // not a folder we can read: the start fails on it without making anything
  }
  return async () => {
    const now = await readdir(dir).catch(() => []);
    await Promise.all(now.filter((name) => !before.has(name)).map((name) => rm(join(dir, name), { recursive: true, force: true })));
  };
}
