// Opens a room's log and index after any stop, clean or not: keeps the log up to its last complete group commit.
import { constants } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Message } from '../../api/types.js';
import { StoreError } from '../errors.js';
import type { Warn } from '../store.js';
import { compactionTemp } from './log-compaction.js';
import { INDEX_ENTRY, endsGroup, getOffset, putOffset, readAt, writeAt } from './file-io.js';

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface RecoveredLog {
  log: FileHandle;
  index: FileHandle;
  /** Bytes of committed lines in the log. */
  size: number;
  /** Seqs before the log's first line (dropped by retention); index entry i holds seq base + 1 + i. */
  base: number;
  /** Messages in the log; their seqs are base + 1 .. base + count. */
  count: number;
  last: Message | undefined;
}


const openRw = (path: string) => open(path, constants.O_RDWR | constants.O_CREAT, 0o600);

/** Position just past the last newline, or 0. */
async function endOfLastLine(fh: FileHandle, size: number): Promise<number> {
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const buf = await readAt(fh, start, end - start);
    const i = buf.lastIndexOf(NEWLINE);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/** The whole line that starts at `offset`, without its newline; undefined when no newline ends it before `size`. */
async function lineAt(fh: FileHandle, offset: number, size: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  for (let pos = offset; pos < size; ) {
    const buf = await readAt(fh, pos, Math.min(CHUNK, size - pos));
    const i = buf.indexOf(NEWLINE);
    if (i >= 0) {
      parts.push(buf.subarray(0, i));
      return Buffer.concat(parts);
    }
    parts.push(buf);
    pos += buf.length;
  }
  return undefined;
}

function parseLine(line: Buffer, path: string, offset: number, expectedSeq: number): Message {
  let msg: Message;
  try {
    msg = JSON.parse(line.toString('utf8')) as Message;
  } catch {
    throw new StoreError('corrupt', `${path}: the line at byte ${offset} is not valid JSON. The file was not changed.`);
  }
  if (msg.seq !== expectedSeq) {
    throw new StoreError(
      'corrupt',
      `${path}: the line at byte ${offset} has seq ${msg.seq}, expected ${expectedSeq}. The file was not changed.`,
    );
  }
  return msg;
}

function seqOf(line: Buffer | undefined, path: string): number {
  try {
    const seq = line && (JSON.parse(line.toString('utf8')) as Message).seq;
    if (Number.isSafeInteger(seq) && (seq as number) > 0) return seq as number;
  } catch {
    // reported below
  }
  throw new StoreError('corrupt', `${path}: the first line is not a message with a seq. The file was not changed.`);
}

/** How many index entries belong to complete group commits: up to the last entry that ends a group. */
async function completeEntries(index: FileHandle, entries: number): Promise<number> {
  const per = CHUNK / INDEX_ENTRY;
  for (let end = entries; end > 0; ) {
    const start = Math.max(0, end - per);
    const buf = await readAt(index, start * INDEX_ENTRY, (end - start) * INDEX_ENTRY);
    for (let i = end - start - 1; i >= 0; i--) if (endsGroup(buf, i)) return start + i + 1;
    end = start;
  }
  return 0;
}

interface Committed {
  /** Bytes of the log that complete group commits cover. */
  size: number;
  count: number;
  base: number;
  last: Message | undefined;
}

/**
 * The committed part of the log according to the index, or undefined when the index does not describe this log
 * (a crash between the two renames of a compaction leaves a new log beside the old index).
 */
async function committedByIndex(log: FileHandle, index: FileHandle, logPath: string, logSize: number): Promise<Committed | undefined> {
  const count = await completeEntries(index, Math.floor((await index.stat()).size / INDEX_ENTRY));
  if (count === 0) return { size: 0, count: 0, base: 0, last: undefined };
  const offset = getOffset(await readAt(index, (count - 1) * INDEX_ENTRY, INDEX_ENTRY), 0);
  const line = offset < logSize ? await lineAt(log, offset, logSize) : undefined;
  if (!line) return undefined;
  // Retention may have dropped the oldest messages: the first line says where the log's seqs start.
  const base = seqOf(await lineAt(log, 0, logSize), logPath) - 1;
  try {
    return { size: offset + line.length + 1, count, base, last: parseLine(line, logPath, offset, base + count) };
  } catch {
    return undefined;
  }
}

/** Indexes every whole line of the log from scratch; a torn last line is cut off. */
async function rebuildIndex(log: FileHandle, index: FileHandle, logPath: string, logSize: number): Promise<Committed> {
  const size = await endOfLastLine(log, logSize);
  const base = size > 0 ? seqOf(await lineAt(log, 0, size), logPath) - 1 : 0;
  const offsets: number[] = [];
  let last: Message | undefined;
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = 0;
  for (let pos = 0; pos < size; ) {
    const chunk = await readAt(log, pos, Math.min(CHUNK, size - pos));
    pos += chunk.length;
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
      const offset = carryStart + start;
      last = parseLine(buf.subarray(start, nl), logPath, offset, base + offsets.length + 1);
      offsets.push(offset);
      start = nl + 1;
    }
    carry = buf.subarray(start);
    carryStart += start;
  }
  const entries = Buffer.alloc(offsets.length * INDEX_ENTRY);
  offsets.forEach((offset, i) => putOffset(entries, i, offset));
  await index.truncate(0);
  await writeAt(index, entries, 0);
  return { size, count: offsets.length, base, last };
}

/**
 * Opens both files and trusts the log only as far as complete group commits go: lines past the last entry that ends
 * a group were written by a commit that never completed, so none of them was acknowledged, and they are dropped whole
 * (a batch is all or nothing, also across a crash). Without an index file at all, the index is rebuilt from the log.
 */
export async function recoverLog(logPath: string, indexPath: string, warn: Warn): Promise<RecoveredLog> {
  // A rewrite (retention or redaction) cut off before its rename left a temp copy: the old files are whole and
  // current, and the copy may hold text a later redaction removed, so it goes.
  await Promise.all([logPath, indexPath].map((p) => rm(compactionTemp(p), { force: true })));
  const hadIndex = await stat(indexPath).then(
    () => true,
    () => false,
  );
  const log = await openRw(logPath);
  let index: FileHandle | undefined;
  try {
    index = await openRw(indexPath);
    const logSize = (await log.stat()).size;
    let found = hadIndex || logSize === 0 ? await committedByIndex(log, index, logPath, logSize) : undefined;
    if (!found) {
      warn(`${indexPath}: ${hadIndex ? 'the index does not match the log' : 'no index'}; rebuilding it from the log`);
      found = await rebuildIndex(log, index, logPath, logSize);
      if (found.count > 0) warn(`${indexPath}: re-indexed ${found.count} message(s)`);
    }
    if (found.size < logSize) {
      warn(`${logPath}: dropped a torn tail of ${logSize - found.size} bytes, from a write that did not complete (never acknowledged)`);
      await log.truncate(found.size);
    }
    if ((await index.stat()).size !== found.count * INDEX_ENTRY) await index.truncate(found.count * INDEX_ENTRY);
    return { log, index, size: found.size, base: found.base, count: found.count, last: found.last };
  } catch (err) {
    await Promise.allSettled([log.close(), index?.close()]);
    throw err;
  }
}
