// What a redacted message keeps: every store writes the same marker in place of the original.
import { REDACTED_CONTENT, type Message } from '../api/types.js';

/**
 * The message with its content replaced by the marker and its metadata (which may hold the same secret) dropped; its
 * id, seq, sender, times, addressing, mentions and verified mark stay, so replies, cursors and threads still line up.
 * So does the A2A messageId it was posted with (metadata.a2a.messageId, an id the client made, no text): a SendMessage
 * retried after the redaction and a restart is still recognised and not stored a second time.
 */
export function redactedCopy(message: Message, at: string): Message {
  const { metadata, content: _content, redacted: _r, redactedAt: _at, ...kept } = message;
  const a2aId = (metadata?.a2a as { messageId?: unknown } | undefined)?.messageId;
  return { ...kept, ...(typeof a2aId === 'string' && { metadata: { a2a: { messageId: a2aId } } }), content: REDACTED_CONTENT, redacted: true, redactedAt: at };
}
