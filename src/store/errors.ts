// Storage failures that callers map to answers: a missing room, a store that cannot write, a corrupt file.

export type StoreErrorCode = 'room_not_found' | 'unavailable' | 'corrupt' | 'limit';

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

export const roomNotFound = (id: string): StoreError =>
  new StoreError('room_not_found', `No room with id "${id}". Create one with POST /agent/rooms {"name": "..."}.`);
