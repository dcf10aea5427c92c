// Rewrites a room's log and index without the bytes that retention dropped, replacing the files by rename.
import { constants } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { INDEX_ENTRY, getOffset, putOffset, readAt, writeAt } from './file-io.js';

const CHUNK = 1 << 20;

export interface CompactionInput {
  log: FileHandle;
  index: FileHandle;
  logPath: string;
  indexPath: string;
  /** Log bytes before this offset are dropped. */
  cut: number;
  size: number;
  /** First index entry to keep, and how many. */
  fromEntry: number;
  entries: number;
}

/**
 * Copies the kept tail of both files to temp files, syncs them, and renames the log first, then the index.
 * A crash in between leaves a new log with an old index: recovery notices and rebuilds the index from the log,
 * whose first line says where its seqs start.
 */
export async function compactLog(input: CompactionInput): Promise<{ log: FileHandle; index: FileHandle }> {
  const logTmp = `${input.logPath}.compact`;
  const indexTmp = `${input.indexPath}.compact`;
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC;
  const newLog = await open(logTmp, flags, 0o600);
  const newIndex = await open(indexTmp, flags, 0o600);
  try {
    for (let pos = input.cut; pos < input.size; pos += CHUNK) {
      await writeAt(newLog, await readAt(input.log, pos, Math.min(CHUNK, input.size - pos)), pos - input.cut);
    }
    const old = await readAt(input.index, input.fromEntry * INDEX_ENTRY, input.entries * INDEX_ENTRY);
    const shifted = Buffer.allocUnsafe(old.length);
    for (let i = 0; i < input.entries; i++) putOffset(shifted, i, getOffset(old, i) - input.cut);
    await writeAt(newIndex, shifted, 0);
    await Promise.all([newLog.datasync(), newIndex.datasync()]);
    await rename(logTmp, input.logPath);
  } catch (err) {
    // Nothing was replaced: the old files stay in use.
    await Promise.allSettled([newLog.close(), newIndex.close()]);
    throw err;
  }
  // The new log is in place, so from here on the new handles must be used whatever happens to the index rename:
  // if it fails, the next start finds a new log with an old index and rebuilds the index from the log.
  await rename(indexTmp, input.indexPath).catch(() => {});
  // The old handles stay open: readers may still be reading them, and the caller closes them after the last one.
  return { log: newLog, index: newIndex };
}
