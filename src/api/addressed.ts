// Whether a message is for a name: the one rule behind `to` filters (wait, on, search, webhooks) and inboxes.
import type { Message } from './types.js';

/** Addressed to `name` in `to`, or @mentioning it. */
export function isFor(m: Message, name: string): boolean {
  return (m.to?.includes(name) ?? false) || (m.mentions?.includes(name) ?? false);
}

/** What NAME's inbox holds: messages for it (isFor) and messages to everyone (no `to`), never its own. */
export function inInbox(m: Message, name: string): boolean {
  if (m.sender === name) return false;
  return !m.to?.length || isFor(m, name);
}
