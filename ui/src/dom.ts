// A tiny element builder: text is always set as text, never parsed as HTML.
import { senderHash } from '../../src/api/colour.js';

type Child = Node | string | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== false && c !== null && c !== undefined) el.append(c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

/** Stable hue per sender, so one agent keeps one colour everywhere. */
export function senderHue(sender: string): number {
  return senderHash(sender) % 360;
}

// Made once: toLocaleTimeString() builds a new formatter on every call, which was a tenth of opening a room.
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** The time alone for today's messages, else the date and time, in the reader's locale. */
export function timeLabel(iso: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return (today ? timeOnly : dateAndTime).format(d);
}

/** A "Copy" button that puts `text` on the clipboard; `label` says what it copies, for screen readers. */
export function copyButton(label: string, text: string): HTMLButtonElement {
  const copy = h('button', { type: 'button', class: 'copy', 'aria-label': label }, 'Copy');
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(text).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    });
  });
  return copy;
}
