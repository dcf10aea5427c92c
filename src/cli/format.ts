// How messages and rooms look on a terminal: one line per message, a stable colour per sender.
import type { ChalkInstance } from 'chalk';
import { senderHash } from '../api/colour.js';
import type { PresenceEntry } from '../api/presence.js';
import type { Message, Room } from '../api/types.js';

/** The one rule for `--json` (docs/cli.md): one JSON value per line, so a list prints one line per item (NDJSON) that
 *  jq, grep and `while read` take line by line, and a long list streams; a single value is a one-line list. */
export function jsonLines(values: Iterable<unknown>): string {
  let out = '';
  for (const value of values) out += `${JSON.stringify(value)}\n`;
  return out;
}

const PALETTE = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

function senderColor(c: ChalkInstance, sender: string): ChalkInstance {
  return c[PALETTE[senderHash(sender) % PALETTE.length] ?? 'cyan'];
}

/** One message; `indent` (a reply's depth in a thread) puts two spaces per level before each of its lines. */
export function formatMessage(m: Message, c: ChalkInstance, indent = 0): string {
  const time = m.createdAt.slice(11, 19);
  const to = m.to?.length ? c.dim(` → ${m.to.join(', ')}`) : '';
  const type = m.type ? c.dim(` [${m.type}]`) : '';
  const pad = '  '.repeat(indent);
  const head = `${pad}${indent > 0 ? c.dim('↳ ') : ''}${c.dim(`#${m.seq} ${time}`)} ${senderColor(c, m.sender).bold(m.sender)}${to}${type}:`;
  const body = m.content.includes('\n') ? `\n${pad}  ${m.content.replace(/\n/g, `\n${pad}  `)}` : ` ${m.content}`;
  return `${head}${body}\n`;
}

/** A thread in seq order, each reply indented one level deeper than the message it answers. */
export function formatThread(messages: readonly Message[], c: ChalkInstance): string {
  const depth = new Map<string, number>();
  return messages
    .map((m) => {
      const d = m.replyTo !== undefined && depth.has(m.replyTo) ? depth.get(m.replyTo)! + 1 : 0;
      depth.set(m.id, d);
      return formatMessage(m, c, d);
    })
    .join('');
}

export function formatRoom(r: Room, c: ChalkInstance): string {
  return `${r.id}  ${c.bold(r.name)}  ${c.dim(`${r.messageCount} msg · ${r.lastActivityAt}`)}\n`;
}

/** Presence as a table: a header line, then one line per name, columns padded to the widest value. */
export function formatPresence(entries: readonly PresenceEntry[], c: ChalkInstance): string {
  const time = (t: string | null) => (t === null ? '-' : t.replace(/\.\d+Z$/, 'Z'));
  const rows = entries.map((e) => [e.name, e.listening ? 'yes' : 'no', time(e.lastSeenAt), time(e.lastPostAt)]);
  const header = ['NAME', 'LISTENING', 'LAST SEEN', 'LAST POST'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [c.dim(line(header)), ...rows.map((r, i) => (entries[i]!.listening ? c.bold(line(r)) : line(r)))].map((l) => `${l}\n`).join('');
}
