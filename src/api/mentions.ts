// @mentions: the names a message's content addresses with a word-bounded `@name` (one rule for the server and the UI).
import { MAX_RECIPIENTS } from './limits.js';

// Not after a letter, digit or one of `_.-@` (so a@b.com is no mention); a name ends on a letter, digit or `_`
// (so "@bob." mentions bob). The server finds mentions with it; the UI highlights them with it.
export const MENTION = /(?<![\p{L}\p{N}_.@-])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)/gu;

/** Distinct names in order of first mention, at most MAX_RECIPIENTS; undefined when there is none. */
export function mentionsIn(content: string): string[] | undefined {
  if (!content.includes('@')) return undefined;
  const names = new Set<string>();
  for (const m of content.matchAll(MENTION)) {
    names.add(m[1]!);
    if (names.size >= MAX_RECIPIENTS) break;
  }
  return names.size > 0 ? [...names] : undefined;
}
