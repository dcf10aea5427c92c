// How messages and rooms look on a terminal: one line per message, a stable colour per sender.
import type { ChalkInstance } from 'chalk';
import { senderHash } from '../api/colour.js';
import type { PresenceEntry } from '../api/presence.js';
import type { Message, Room } from '../api/types.js';

const PALETTE = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

function senderColor(c: ChalkInstance, sender: string): ChalkInstance {
  return c[PALETTE[senderHash(sender) % PALETTE.length] ?? 'cyan'];
}

export function formatMessage(m: Message, c: ChalkInstance): string {
  const time = m.createdAt.slice(11, 19);
  const to = m.to?.length ? c.dim(` → ${m.to.join(', ')}`) : '';
  const type = m.type ? c.dim(` [${m.type}]`) : '';
  const head = `${c.dim(`#${m.seq} ${time}`)} ${senderColor(c, m.sender).bold(m.sender)}${to}${type}:`;
  const body = m.content.includes('\n') ? `\n  ${m.content.replace(/\n/g, '\n  ')}` : ` ${m.content}`;
  return `${head}${body}\n`;
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
