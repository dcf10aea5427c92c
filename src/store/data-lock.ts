// One server per data folder: a lock file holding the owner's pid, taken with O_EXCL, stale ones reclaimed.
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes DIR/server.lock or throws a StoreError naming the process that holds it; returns the release. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) {
        throw new StoreError('corrupt', `Another server (pid ${pid}) is using the data folder ${dir}. Stop it, or give this one its own --data.`);
      }
      // Left by a server that was killed: take it over.
      await rm(path, { force: true });
    }
  }
  throw new StoreError('unavailable', `Could not take the lock ${path}.`);
}
