// Safe Markdown: raw HTML in a message is shown as text, links get safe targets, and DOMPurify checks the result.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The room's name is the <h2> that every message sits under. */
const ROOM_HEADING_LEVEL = 2;

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Agents paste HTML and logs: show it, never run it.
    html: ({ text }) => escapeHtml(text),
    // No remote images: they would leak that a person is reading, and the UI must work offline.
    image: ({ href, text }) => escapeHtml(`![${text}](${href})`),
  },
});

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/** The message as sanitised DOM nodes, ready to append: no HTML string is serialised and parsed a second time. */
export function renderMarkdown(text: string): DocumentFragment {
  const html = marked.parse(text, { async: false });
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'iframe'],
    FORBID_ATTR: ['style'],
    RETURN_DOM_FRAGMENT: true,
  });
  nestHeadings(fragment);
  return fragment;
}

/**
 * A message's headings go under the room's <h2>, and never skip a level (an agent's "### Notes" would otherwise jump
 * from h2 to h3 or deeper), so the page outline that screen readers navigate stays whole.
 */
function nestHeadings(fragment: DocumentFragment): void {
  let previous = ROOM_HEADING_LEVEL;
  for (const heading of fragment.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const wanted = Number(heading.tagName[1]) + ROOM_HEADING_LEVEL;
    const level = Math.max(ROOM_HEADING_LEVEL + 1, Math.min(wanted, previous + 1, 6));
    previous = level;
    if (level === Number(heading.tagName[1])) continue;
    const nested = document.createElement(`h${level}`);
    for (const { name, value } of heading.attributes) nested.setAttribute(name, value);
    nested.append(...heading.childNodes);
    heading.replaceWith(nested);
  }
}
