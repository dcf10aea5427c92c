// How messages and rooms look on a terminal: one line per message, a stable colour per sender.
import type { ChalkInstance } from 'chalk';
import { senderHash } from '../api/colour.js';
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
