// One server per data folder: a lock file naming the owner (pid and start time), stale ones reclaimed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';

interface ProcState {
  /** One letter: R running, S sleeping, Z zombie, X dead, ... */
  state: string;
  /** Clock ticks from boot to the process's start: with the pid, it names one process for the life of the machine. */
  start: string;
}

/** A process's state from /proc (Linux); undefined when there is no such process, null without /proc. */
function procState(pid: number | 'self'): ProcState | undefined | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if (pid === 'self' || (err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    return procState('self') === null ? null : undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', start: fields[19] ?? '' };
}

/** Whether the lock's owner still runs: not gone, not a zombie waiting for its parent, not another process that got
 *  the same pid since (its start time differs from the one the lock recorded). */
function ownerRuns(pid: number, start: string | undefined): boolean {
  const proc = procState(pid);
  if (proc === undefined) return false;
  if (proc !== null) return proc.state !== 'Z' && proc.state !== 'X' && (start === undefined || proc.start === start);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLock(text: string): { pid: number; start: string | undefined } | undefined {
  const [pid, start] = text.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isSafeInteger(n) && n > 0 ? { pid: n, start: start || undefined } : undefined;
}

/** Puts the lock in place whole by linking the written temp file; where the file system has no hard links, by an
 *  exclusive create (a second server starting in the same instant could then read it empty and take it over). */
async function placeLock(tmp: string, path: string, content: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (err) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
  }
}

/** Takes DIR/server.lock or throws a StoreError('locked') naming the process that holds it; returns the release. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'server.lock');
  const self = procState('self');
  const content = `${process.pid}${self ? ` ${self.start}` : ''}\n`;
  // Written whole under a private name, then linked into place: a second server never sees a half-written lock.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content);
  } finally {
    await fh.close();
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await placeLock(tmp, path, content);
        return async () => {
          // Removed only while it is still ours.
          if ((await readFile(path, 'utf8').catch(() => '')) === content) await rm(path, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = parseLock(await readFile(path, 'utf8').catch(() => ''));
      if (held && ownerRuns(held.pid, held.start)) {
        throw new StoreError('locked', `Another server (pid ${held.pid}) is using the data folder ${dir}. Stop it first, or use another data folder.`);
      }
      // Left by a server that was killed: take it over.
      await rm(path, { force: true });
    }
    throw new StoreError('locked', `Could not take the lock ${path}: other servers keep starting on this data folder.`);
  } finally {
    await rm(tmp, { force: true });
  }
}
