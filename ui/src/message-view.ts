// One message as a list item: sender in its colour, time, addressing, type, the message it answers (a quoted link),
// its reply count, a Reply button and a menu for destructive actions, collapsed metadata, safe Markdown content.
import { MENTION } from '../../src/api/mentions.js';
import type { Message } from '../../src/api/types.js';
import { h, senderHue, timeLabel } from './dom.js';
import { renderMarkdown } from './markdown.js';

export interface MessageContext {
  /** Looks up a loaded message by id, so a reply can quote what it answers. */
  find: (id: string) => Message | undefined;
  /** How many loaded messages answer this one. */
  replies: (id: string) => number;
  /** The name this page posts as: its @mentions are drawn stronger. */
  me: string;
}

const NONE: MessageContext = { find: () => undefined, replies: () => 0, me: '' };

export function messageItem(m: Message, ctx: MessageContext = NONE): HTMLLIElement {
  const sender = h('strong', { class: 'sender' }, m.sender);
  sender.style.setProperty('--hue', String(senderHue(m.sender)));
  // A redacted message keeps its place, sender and time; its text is gone, so the marker is not drawn as Markdown.
  const body = m.redacted
    ? h('p', { class: 'content redacted muted' }, `Redacted${m.redactedAt ? ` at ${timeLabel(m.redactedAt)}` : ''}`)
    : h('div', { class: 'content' }, highlightMentions(renderMarkdown(m.content), m.mentions, ctx.me));
  const li = h(
    'li',
    { class: 'message', 'data-seq': String(m.seq), 'data-sender': m.sender, 'data-id': m.id, 'data-redacted': m.redacted, id: `m-${m.seq}` },
    h(
      'div',
      { class: 'meta' },
      sender,
      m.verified ? h('span', { class: 'verified', title: 'sender proven by an agent key' }, '✓ verified') : null,
      m.to?.length ? h('span', { class: 'to' }, `→ ${m.to.join(', ')}`) : null,
      // A person's post has type "human": beside the sender "human" it said the same thing twice.
      m.type && m.type !== m.sender ? h('span', { class: 'type' }, m.type) : null,
      h('time', { datetime: m.createdAt, title: `${m.createdAt} · seq ${m.seq} · id ${m.id}` }, timeLabel(m.createdAt)),
    ),
    m.replyTo ? replyQuote(m.replyTo, ctx.find) : null,
    body,
    m.metadata && !m.redacted ? h('details', { class: 'metadata' }, h('summary', {}, 'metadata'), h('pre', {}, JSON.stringify(m.metadata, null, 2))) : null,
    h(
      'div',
      { class: 'message-actions' },
      repliesButton(m, ctx.replies(m.id)),
      h('button', { type: 'button', class: 'link reply', 'aria-label': `Reply to message ${m.seq} from ${m.sender}` }, 'Reply'),
      m.redacted
        ? null
        : h(
            'details',
            { class: 'menu' },
            h('summary', {}, 'More', h('span', { class: 'visually-hidden' }, ` actions for message ${m.seq}`)),
            h('button', { type: 'button', class: 'link redact', 'aria-label': `Redact message ${m.seq} from ${m.sender}` }, 'Redact'),
          ),
    ),
  );
  return li;
}

/** "3 replies": opens the thread; empty (and hidden) while nothing answers the message. */
export function repliesButton(m: Message, count: number): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link replies', 'data-thread': m.id, hidden: count === 0 }, `${count} ${count === 1 ? 'reply' : 'replies'}`);
  button.setAttribute('aria-label', `${count} ${count === 1 ? 'reply' : 'replies'} to message ${m.seq}: show the thread`);
  return button;
}

/** The message answered, quoted: its sender and first line; a click scrolls to it. */
function replyQuote(id: string, find: (id: string) => Message | undefined): HTMLElement {
  const target = find(id);
  const line = target ? (target.redacted ? 'redacted' : (target.content.split('\n').find((l) => l.trim()) ?? '').slice(0, 120)) : '';
  return h(
    'button',
    { type: 'button', class: 'reply-to', 'data-reply-to': id, title: 'Show the message this answers' },
    h('span', { class: 'reply-mark', 'aria-hidden': 'true' }, '↪'),
    h('span', { class: 'visually-hidden' }, 'In reply to'),
    target ? h('strong', {}, target.sender) : h('span', { class: 'muted' }, 'an earlier message'),
    line ? h('span', { class: 'reply-line muted' }, line) : null,
  );
}

/** Wraps the message's @mentions (outside code and links) in a span; the viewer's own name gets `mention me`. */
function highlightMentions(fragment: DocumentFragment, mentions: string[] | undefined, me: string): DocumentFragment {
  if (!mentions?.length) return fragment;
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  while (walker.nextNode()) {
    const t = walker.currentNode as Text;
    if (t.data.includes('@') && !t.parentElement?.closest('code, pre, a')) texts.push(t);
  }
  for (const t of texts) {
    const parts: (string | HTMLElement)[] = [];
    let at = 0;
    for (const match of t.data.matchAll(new RegExp(MENTION.source, 'gu'))) {
      const name = match[1]!;
      if (!mentions.includes(name)) continue;
      parts.push(t.data.slice(at, match.index), h('span', { class: name === me ? 'mention me' : 'mention' }, match[0]));
      at = match.index + match[0].length;
    }
    if (at > 0) t.replaceWith(...parts, t.data.slice(at));
  }
  return fragment;
}
