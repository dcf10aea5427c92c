// What a hook posts for one message, in its format: the Standard Webhooks body, or the body a chat tool takes (Slack
// incoming webhooks, Discord webhooks, an ntfy topic), naming the sender, the room (linked in the UI) and the message.
import type { Message } from '../api/types.js';
import { MESSAGE_CREATED, type Webhook } from '../api/webhooks.js';
import type { RoomStorage } from '../store/store.js';

export interface FormattedDelivery {
  body: string;
  /** Headers of the format (content type, ntfy's Title/Tags/Click); the signature headers are added to them. */
  headers: Record<string, string>;
}

/** The Standard Webhooks body: the same bytes on every attempt, so a receiver may compare retries. */
export function deliveryBody(m: Message): string {
  return JSON.stringify({ type: MESSAGE_CREATED, timestamp: m.createdAt, data: m });
}

/** Discord refuses content over 2000 characters; Slack cuts text past 40,000; ntfy sends a body over 4096 bytes as a file. */
const DISCORD_MAX = 2000;
const SLACK_MAX = 3000;
const NTFY_MAX_BYTES = 4000;

/** The body for `hook`'s format. A chat format reads the room's name (not on the send path: in the hook's worker). */
export async function formatDelivery(hook: Pick<Webhook, 'format' | 'uiUrl' | 'roomId'>, m: Message, store: Pick<RoomStorage, 'getRoom'>): Promise<FormattedDelivery> {
  if (hook.format === undefined || hook.format === 'standard') return { body: deliveryBody(m), headers: {} };
  const room = { name: (await store.getRoom(m.roomId))?.name ?? m.roomId, url: roomUrl(hook.uiUrl, m.roomId) };
  switch (hook.format) {
    case 'slack':
      return json({ text: slackText(m, room) });
    case 'discord':
      // No @everyone, role or user pings from an agent's text: mentions are shown, never parsed.
      return json({ content: discordContent(m, room), allowed_mentions: { parse: [] } });
    case 'ntfy':
      return ntfy(m, room);
  }
}

interface RoomLink {
  name: string;
  url: string | undefined;
}

function roomUrl(uiUrl: string | undefined, roomId: string): string | undefined {
  return uiUrl === undefined ? undefined : `${uiUrl}/#/room/${roomId}`;
}

const json = (value: unknown): FormattedDelivery => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });

/** "(#12 to coder, reviewer)": the seq, and the names it is addressed to. */
function about(m: Message): string {
  return `#${m.seq}${m.to?.length ? ` to ${m.to.join(', ')}` : ''}${m.type ? `, ${m.type}` : ''}`;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack's control characters (`<!channel>` would ping a channel) as its documented entities. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function slackText(m: Message, room: RoomLink): string {
  const where = room.url ? `<${room.url}|${slackEscape(room.name).replace(/\|/g, '¦')}>` : slackEscape(room.name);
  return `*${slackEscape(m.sender)}* in ${where} (${slackEscape(about(m))}):\n${slackEscape(cut(m.content, SLACK_MAX))}`;
}

const discordEscape = (s: string) => s.replace(/[\\*_~`|>[\]()]/g, '\\$&');

function discordContent(m: Message, room: RoomLink): string {
  // <url> keeps Discord from unfurling the UI page under every message.
  const where = room.url ? `[${discordEscape(room.name)}](<${room.url}>)` : discordEscape(room.name);
  const head = `**${discordEscape(m.sender)}** in ${where} (${discordEscape(about(m))}):\n`;
  return head + cut(m.content, Math.max(1, DISCORD_MAX - [...head].length));
}

/** A header value ntfy decodes: printable ASCII as is, anything else as an RFC 2047 encoded word. */
function headerText(value: string): string {
  const line = value.replace(/[\r\n\t]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

function ntfy(m: Message, room: RoomLink): FormattedDelivery {
  const bytes = Buffer.from(m.content);
  // Cut at a byte count; a character split there decodes as U+FFFD, which is dropped.
  const body = bytes.length <= NTFY_MAX_BYTES ? m.content : `${bytes.subarray(0, NTFY_MAX_BYTES).toString('utf8').replace(/\uFFFD+$/, '')}…`;
  return {
    body,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      title: headerText(cut(`${m.sender} in ${room.name} (${about(m)})`, 200)),
      tags: headerText(['speech_balloon', ...(m.type ? [m.type.replace(/,/g, ' ')] : [])].join(',')),
      ...(room.url && { click: room.url }),
    },
  };
}
