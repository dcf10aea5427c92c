// Rewrites a room's log and index (without the bytes retention dropped, or with one line replaced by its redaction),
// replacing the files by rename.
import { constants } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { INDEX_ENTRY, getOffset, putOffset, readAt, writeAt } from './file-io.js';

const CHUNK = 1 << 20;

/** One log line swapped for another of any length: the bytes [start, end) become `line` (newline included). */
export interface LineReplacement {
  start: number;
  end: number;
  line: Buffer;
}

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
  /** A line (at or past `cut`) written differently in the new log; the entries after it shift by the difference. */
  replace?: LineReplacement;
}

/**
 * Copies the kept part of both files to temp files, syncs them, and renames the log first, then the index.
 * A crash in between leaves a new log with an old index: recovery notices (the old index's last entry does not point
 * at the last line's start with the right seq) and rebuilds the index from the log, whose first line says where its
 * seqs start. A crash before the log's rename leaves the old files untouched.
 */
/** Where a rewrite of `path` is written before it is renamed over it. */
export const compactionTemp = (path: string): string => `${path}.compact`;

export async function compactLog(input: CompactionInput): Promise<{ log: FileHandle; index: FileHandle }> {
  const logTmp = compactionTemp(input.logPath);
  const indexTmp = compactionTemp(input.indexPath);
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC;
  const newLog = await open(logTmp, flags, 0o600);
  const newIndex = await open(indexTmp, flags, 0o600);
  const { cut, replace } = input;
  try {
    // The new log is the old one's [cut, size) with [start, end) swapped for the new line.
    const copy = async (from: number, to: number, at: number) => {
      for (let pos = from; pos < to; pos += CHUNK) await writeAt(newLog, await readAt(input.log, pos, Math.min(CHUNK, to - pos)), at + pos - from);
    };
    if (replace) {
      await copy(cut, replace.start, 0);
      await writeAt(newLog, replace.line, replace.start - cut);
      await copy(replace.end, input.size, replace.start - cut + replace.line.length);
    } else {
      await copy(cut, input.size, 0);
    }
    const delta = replace ? replace.line.length - (replace.end - replace.start) : 0;
    const old = await readAt(input.index, input.fromEntry * INDEX_ENTRY, input.entries * INDEX_ENTRY);
    const shifted = Buffer.allocUnsafe(old.length);
    for (let i = 0; i < input.entries; i++) {
      const offset = getOffset(old, i);
      putOffset(shifted, i, offset - cut + (replace && offset >= replace.end ? delta : 0));
    }
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
