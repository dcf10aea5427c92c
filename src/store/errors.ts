// Storage failures that callers map to answers: a missing room, a store that cannot write, a corrupt file, a held lock.
// The text says what happened to the data; words about routes or flags belong to the server and the CLI.
import { MAX_INBOX_NAMES } from '../api/limits.js';

export type StoreErrorCode = 'room_not_found' | 'unavailable' | 'corrupt' | 'limit' | 'locked' | 'conflict';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A new inbox cursor name past MAX_INBOX_NAMES. */
export const tooManyNames = (): StoreError =>
  new StoreError('limit', `This room already keeps read cursors for ${MAX_INBOX_NAMES} names; a new name cannot be added.`);

export const roomNotFound = (id: string): StoreError => new StoreError('room_not_found', `No room with id "${id}".`);

/** Errors of the operating system that say it is out of file descriptors. */
export const outOfFiles = (err: unknown): boolean => ['EMFILE', 'ENFILE'].includes((err as NodeJS.ErrnoException)?.code ?? '');
