// Each stored message's JSON text, kept beside the object, so answers and streams reuse the log's bytes.
import type { Message } from '../api/types.js';

/** A hidden, non-enumerable property: JSON.stringify, spreads and test equality all skip it. A WeakMap did the same
 *  at twice the cost per message, plus its weak entries' work in every garbage collection. */
const TEXT = Symbol('json');

export function rememberJson(message: Message, json: string): void {
  Object.defineProperty(message, TEXT, { value: json });
}

/** The message as JSON: the exact text the log holds when the store made or read it, else serialised now. */
export function messageJson(message: Message): string {
  return (message as Message & { [TEXT]?: string })[TEXT] ?? JSON.stringify(message);
}
