// What a redacted message keeps: every store writes the same marker in place of the original.
import { REDACTED_CONTENT, type Message } from '../api/types.js';

/**
 * The message with its content replaced by the marker and its metadata (which may hold the same secret) dropped; its
 * id, seq, sender, times, addressing, mentions and verified mark stay, so replies, cursors and threads still line up.
 */
export function redactedCopy(message: Message, at: string): Message {
  const { metadata: _metadata, content: _content, redacted: _r, redactedAt: _at, ...kept } = message;
  return { ...kept, content: REDACTED_CONTENT, redacted: true, redactedAt: at };
}
