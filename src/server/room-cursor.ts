// Reads a room forward from a seq in pages of bounded size: all that a stream or an export holds for its reader.
import { HISTORY_MAX_LIMIT } from '../api/limits.js';
import type { Message } from '../api/types.js';
import { messageJson } from '../store/message-json.js';
import type { RoomStorage } from '../store/store.js';

/** Characters of message JSON a stream or an export reads and writes at a time (one message when it is bigger). */
export const PAGE_CHARS = 64 * 1024;

/** The longest prefix (or, `fromEnd`, suffix) of `messages` within `maxChars` of JSON; never fewer than one message. */
export function withinChars(messages: Message[], maxChars: number, fromEnd = false): Message[] {
  let total = 0;
  const n = messages.length;
  for (let i = 0; i < n; i++) {
    total += messageJson(messages[fromEnd ? n - 1 - i : i]!).length;
    if (total > maxChars && i > 0) return fromEnd ? messages.slice(n - i) : messages.slice(0, i);
  }
  return messages;
}

/** The messages past `after` (up to `until`, when given), a page at a time. The page size follows the size of the
 *  messages, so a room of large messages is not read a thousand at a time. */
export class RoomCursor {
  /** How many messages the next read asks for. */
  private limit = 16;

  constructor(
    private readonly store: RoomStorage,
    private readonly roomId: string,
    /** The seq of the last message handed out. */
    public after: number,
    /** The last seq to hand out: an export ends at the room as it was when it began, however fast sends arrive. */
    private readonly until = Infinity,
  ) {}

  /** The next page (empty when there is nothing past `after` yet); store errors are thrown to the caller. */
  async next(): Promise<Message[]> {
    const limit = Math.min(this.limit, this.until - this.after);
    if (limit <= 0) return [];
    const read = await this.store.read(this.roomId, { after: this.after, limit });
    // Retention may have skipped the read forward, past the end.
    const end = read.findIndex((m) => m.seq > this.until);
    const page = withinChars(end < 0 ? read : read.slice(0, end), PAGE_CHARS);
    if (page.length === 0) return page;
    const chars = page.reduce((sum, m) => sum + messageJson(m).length, 0);
    this.limit = Math.max(1, Math.min(HISTORY_MAX_LIMIT, Math.floor((PAGE_CHARS * page.length) / chars)));
    this.after = page.at(-1)!.seq;
    return page;
  }
}
