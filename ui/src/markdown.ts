// Safe Markdown: raw HTML in a message is shown as text, links get safe targets, and DOMPurify checks the result.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

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
  return DOMPurify.sanitize(html, {
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'iframe'],
    FORBID_ATTR: ['style'],
    RETURN_DOM_FRAGMENT: true,
  });
}
