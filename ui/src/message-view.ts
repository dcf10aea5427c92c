// One message as a list item: sender in its colour, time, addressing, type, collapsed metadata, safe Markdown content.
import type { Message } from '../../src/api/types.js';
import { h, senderHue, timeLabel } from './dom.js';
import { renderMarkdown } from './markdown.js';

/** `find` looks up a loaded message by id, so a reply can name what it answers. */
export function messageItem(m: Message, find: (id: string) => Message | undefined = () => undefined): HTMLLIElement {
  const sender = h('strong', { class: 'sender' }, m.sender);
  sender.style.setProperty('--hue', String(senderHue(m.sender)));
  // A redacted message keeps its place, sender and time; its text is gone, so the marker is not drawn as Markdown.
  const body = m.redacted
    ? h('p', { class: 'content redacted muted' }, `Redacted${m.redactedAt ? ` at ${timeLabel(m.redactedAt)}` : ''}`)
    : h('div', { class: 'content' }, renderMarkdown(m.content));
  const li = h(
    'li',
    { class: 'message', 'data-seq': String(m.seq), 'data-sender': m.sender, 'data-redacted': m.redacted, id: `m-${m.seq}` },
    h(
      'div',
      { class: 'meta' },
      sender,
      m.verified ? h('span', { class: 'verified', title: 'sender proven by an agent key' }, '✓ verified') : null,
      m.to?.length ? h('span', { class: 'to' }, `→ ${m.to.join(', ')}`) : null,
      m.type ? h('span', { class: 'type' }, m.type) : null,
      h('time', { datetime: m.createdAt, title: `${m.createdAt} · seq ${m.seq} · id ${m.id}` }, timeLabel(m.createdAt)),
      m.redacted ? null : h('button', { type: 'button', class: 'link redact', 'aria-label': `Redact message ${m.seq} from ${m.sender}` }, 'Redact'),
    ),
    m.replyTo ? h('div', { class: 'reply-to muted' }, `↪ reply to ${describe(m.replyTo, find)}`) : null,
    body,
    m.metadata && !m.redacted ? h('details', { class: 'metadata' }, h('summary', {}, 'metadata'), h('pre', {}, JSON.stringify(m.metadata, null, 2))) : null,
  );
  return li;
}

function describe(id: string, find: (id: string) => Message | undefined): string {
  const target = find(id);
  return target ? `#${target.seq} ${target.sender}` : id;
}
