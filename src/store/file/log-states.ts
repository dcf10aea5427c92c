// What every room's log held at the last clean stop, saved in one file so the next start lists 100,000 rooms without
// opening one: the file is removed as the store opens, so after a crash it is absent and nothing stale is trusted.
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../atomic-write.js';
import type { Warn } from '../store.js';
import type { LogState } from './room-log.js';

type Saved = [size: number, base: number, count: number, lastAt: string | null];

interface StatesFile {
  version: 1;
  rooms: Record<string, Saved>;
}

/** The saved states (empty when there are none), and the file gone from the disk before any room can change. */
export async function takeLogStates(path: string, warn: Warn): Promise<Map<string, LogState>> {
  const states = new Map<string, LogState>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return states;
    throw err;
  }
  // Removed first: if it cannot be, the store cannot write there either, and it must not be trusted after a crash.
  await rm(path);
  try {
    const data = JSON.parse(text) as StatesFile;
    for (const [id, saved] of Object.entries(data.rooms)) {
      const [size, base, count, lastAt] = saved;
      if (![size, base, count].every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`bad entry for ${id}`);
      states.set(id, { size, base, count, ...(typeof lastAt === 'string' && { lastAt }) });
    }
  } catch (err) {
    // Only a shortcut: without it every room is recovered from its files, as after a crash.
    warn(`${path} is not readable (${(err as Error).message}); every room's log will be checked instead`);
    states.clear();
  }
  return states;
}

/** Writes the states at a clean stop (temp file, sync, rename: whole or absent). */
export async function saveLogStates(path: string, states: Iterable<[string, LogState]>): Promise<void> {
  const rooms: Record<string, Saved> = {};
  for (const [id, s] of states) rooms[id] = [s.size, s.base, s.count, s.lastAt ?? null];
  await writeFileAtomic(path, JSON.stringify({ version: 1, rooms } satisfies StatesFile), { mode: 0o600 });
}
