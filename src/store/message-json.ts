// Each stored message's JSON text, kept beside the object, so answers and streams reuse the log's bytes.
import type { Message } from '../api/types.js';

const texts = new WeakMap<Message, string>();

export function rememberJson(message: Message, json: string): void {
  texts.set(message, json);
}

/** The message as JSON: the exact text the log holds when the store made or read it, else serialised now. */
export function messageJson(message: Message): string {
  return texts.get(message) ?? JSON.stringify(message);
}
