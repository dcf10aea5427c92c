// Every file under a directory (recursively) whose bytes contain a string: for "this text is nowhere on disk" tests.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function filesContaining(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  const needle = Buffer.from(text, 'utf8');
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

/** How many files are under the directory, so a test can show its search looked at something. */
export async function fileCount(dir: string): Promise<number> {
  return (await readdir(dir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile()).length;
}
