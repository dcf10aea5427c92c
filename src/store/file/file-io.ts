// Positioned reads and writes on file handles, and the fixed-width seq index entries.
import { ftruncateSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Bytes per index entry: entry i holds the byte offset in the log of the message with seq i + 1 (6 bytes), then a
 * 2-byte mark that is 1 when more entries of the same group commit follow and 0 on the group's last entry. The index
 * is the commit record: a group whose last entry is not in it never completed, and recovery drops it whole. Files
 * written before the mark existed hold 0 there, so every one of their entries counts as complete.
 */
export const INDEX_ENTRY = 8;

export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

export async function writeAt(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Writes the whole buffer at `position`, synchronously. For the group-commit path: handing a few kilobytes to the
 * kernel's page cache takes microseconds, less than a round trip through libuv's thread pool.
 */
export function writeAtSync(fh: FileHandle, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length; ) done += writeSync(fh.fd, buf, done, buf.length - done, position + done);
}

export function truncateSync(fh: FileHandle, length: number): void {
  ftruncateSync(fh.fd, length);
}

export function putOffset(buf: Buffer, entry: number, offset: number, moreInGroup = false): void {
  buf.writeUIntLE(offset, entry * INDEX_ENTRY, 6);
  buf.writeUInt16LE(moreInGroup ? 1 : 0, entry * INDEX_ENTRY + 6);
}

/** Whether the entry ends its group commit (see INDEX_ENTRY). */
export function endsGroup(buf: Buffer, entry: number): boolean {
  return buf.readUInt16LE(entry * INDEX_ENTRY + 6) === 0;
}

export function getOffset(buf: Buffer, entry: number): number {
  return buf.readUIntLE(entry * INDEX_ENTRY, 6);
}
