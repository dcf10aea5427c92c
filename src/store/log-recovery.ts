// Opens a room's log and index after any stop, clean or not: drops a torn tail, rebuilds missing index entries.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Message } from '../api/types.js';
import { StoreError } from './errors.js';
import { INDEX_ENTRY, getOffset, putOffset, readAt, writeAt } from './file-io.js';

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface RecoveredLog {
  log: FileHandle;
  index: FileHandle;
  /** Bytes of complete lines in the log. */
  size: number;
  /** Seqs before the log's first line (dropped by retention); index entry i holds seq base + 1 + i. */
  base: number;
  /** Messages in the log; their seqs are base + 1 .. base + count. */
  count: number;
  last: Message | undefined;
}

export type Warn = (message: string) => void;

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

/** The line that starts at `offset`, without its newline. */
async function lineAt(fh: FileHandle, offset: number, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let pos = offset; pos < size; ) {
    const buf = await readAt(fh, pos, Math.min(CHUNK, size - pos));
    const i = buf.indexOf(NEWLINE);
    if (i >= 0) {
      parts.push(buf.subarray(0, i));
      break;
    }
    parts.push(buf);
    pos += buf.length;
  }
  return Buffer.concat(parts);
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

function seqOf(line: Buffer, path: string): number {
  try {
    const seq = (JSON.parse(line.toString('utf8')) as Message).seq;
    if (Number.isSafeInteger(seq) && seq > 0) return seq;
  } catch {
    // reported below
  }
  throw new StoreError('corrupt', `${path}: the first line is not a message with a seq. The file was not changed.`);
}

export async function recoverLog(logPath: string, indexPath: string, warn: Warn): Promise<RecoveredLog> {
  const log = await openRw(logPath);
  const index = await openRw(indexPath);
  try {
    let size = (await log.stat()).size;
    const complete = await endOfLastLine(log, size);
    if (complete < size) {
      // Only an unacknowledged write can be torn: acknowledgements wait for the whole line.
      warn(`${logPath}: skipped a torn last line (${size - complete} bytes) left by an interrupted write`);
      await log.truncate(complete);
      size = complete;
    }

    // Retention may have dropped the oldest messages: the first line says where the log's seqs start.
    const base = size > 0 ? seqOf(await lineAt(log, 0, size), logPath) - 1 : 0;

    const indexSize = (await index.stat()).size;
    let count = Math.floor(indexSize / INDEX_ENTRY);
    let scanFrom = 0;
    let last: Message | undefined;
    while (count > 0) {
      const offset = getOffset(await readAt(index, (count - 1) * INDEX_ENTRY, INDEX_ENTRY), 0);
      if (offset < size) {
        const line = await lineAt(log, offset, size);
        try {
          last = parseLine(line, logPath, offset, base + count);
          scanFrom = offset + line.length + 1;
        } catch {
          warn(`${indexPath}: index does not match the log; rebuilding it`);
          count = 0;
        }
        break;
      }
      count -= 1;
    }
    if (indexSize !== count * INDEX_ENTRY) await index.truncate(count * INDEX_ENTRY);

    const rebuilt: number[] = [];
    let carry: Buffer = Buffer.alloc(0);
    let carryStart = scanFrom;
    for (let pos = scanFrom; pos < size; ) {
      const chunk = await readAt(log, pos, Math.min(CHUNK, size - pos));
      pos += chunk.length;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
        const offset = carryStart + start;
        last = parseLine(buf.subarray(start, nl), logPath, offset, base + count + rebuilt.length + 1);
        rebuilt.push(offset);
        start = nl + 1;
      }
      carry = buf.subarray(start);
      carryStart += start;
    }
    if (rebuilt.length > 0) {
      const entries = Buffer.alloc(rebuilt.length * INDEX_ENTRY);
      rebuilt.forEach((offset, i) => putOffset(entries, i, offset));
      await writeAt(index, entries, count * INDEX_ENTRY);
      count += rebuilt.length;
      warn(`${indexPath}: re-indexed ${rebuilt.length} message(s) written before an interrupted stop`);
    }
    return { log, index, size, base, count, last };
  } catch (err) {
    await Promise.allSettled([log.close(), index.close()]);
    throw err;
  }
}
