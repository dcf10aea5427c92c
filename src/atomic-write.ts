// Replaces a whole file so that a crash leaves the old content or the new, never a mix: the one "temp, sync, rename".
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of the file written (e.g. 0o600 for secrets). Default: those of the file it replaces, else 0o666
   *  less the umask, like writeFile. Set on the file itself, so neither the umask nor a stale temp file changes them. */
  mode?: number;
  /** fdatasync the file before the rename and fsync its folder after it, so the new content also survives power loss
   *  (default true). False still gives a whole file after a crash of the process, only not after one of the machine. */
  fsync?: boolean;
}

/** The temp file a write goes through: beside the target (a rename within one folder is atomic), one per target, so
 *  a crash leaves at most one, which the next write replaces. Writes to one path must not overlap (callers queue them). */
export function atomicTemp(path: string): string {
  return `${path}.tmp`;
}

/**
 * Writes `data` to `path` through a temp file in the same folder: write it whole, sync it, rename it over `path`,
 * sync the folder. Readers see the old file or the new one; on failure the temp file is removed and `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fsync = options.fsync ?? true;
  const mode = options.mode ?? (await stat(path).then((s) => s.mode & 0o7777, () => undefined));
  const tmp = atomicTemp(path);
  try {
    const fh = await open(tmp, 'w', mode ?? 0o666);
    try {
      // open() applies the mode only to a file it creates, and through the umask: set it on the file itself.
      if (mode !== undefined) await fh.chmod(mode);
      await fh.writeFile(data);
      if (fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  if (fsync) await syncFolder(dirname(path));
}

/** Makes a rename in the folder durable. Some systems (Windows) cannot open a folder for syncing: nothing to do there. */
async function syncFolder(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch (err) {
    if (process.platform === 'win32') return;
    throw err;
  }
  try {
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw err;
  } finally {
    await fh.close();
  }
}
