// The loop guard: a room may cap how many agent messages follow each other without a human message in between.
import type { Message } from '../../api/types.js';
import type { NewMessage, RoomStorage } from '../../store/store.js';
import { HttpError } from '../errors.js';

/** A message counts as human when its type is "human" (the UI sends that) and no agent key signed it. */
export const isHuman = (m: Pick<Message, 'type' | 'verified'>): boolean => m.type === 'human' && m.verified !== true;

/**
 * Refuses the batch with a 429 when storing it would make more than `max` agent messages in a row. Reads only the
 * room's newest `max` messages, so the count survives restarts without being stored anywhere.
 */
export async function checkLoopGuard(store: RoomStorage, roomId: string, max: number, batch: readonly NewMessage[]): Promise<void> {
  // Agent messages at the end of the batch, or the whole batch and the run before it when it holds no human one.
  const lastHuman = batch.findLastIndex(isHuman);
  if (lastHuman >= 0) {
    if (batch.length - 1 - lastHuman <= max) return;
  } else {
    const recent = await store.read(roomId, { limit: max });
    let run = 0;
    for (let i = recent.length - 1; i >= 0 && !isHuman(recent[i]!); i--) run++;
    if (run + batch.length <= max) return;
  }
  throw new HttpError(
    429,
    'loop_guard',
    `This room's loop guard allows at most ${max} agent messages in a row, and they have been posted: a human must post ` +
      '(the UI posts as human) before agents continue, or raise the setting with PATCH /agent/rooms/:id {"settings":{"loopGuard":N}}.',
  );
}
