// A secret shown once (a new agent key, new room keys): each value with a Copy button, until the person dismisses it.
import { copyButton, h } from './dom.js';

export function showSecrets(box: HTMLElement, title: string, entries: [label: string, value: string][]): void {
  const dismiss = h('button', { type: 'button', class: 'secondary' }, 'Done');
  dismiss.addEventListener('click', () => hideSecrets(box));
  box.replaceChildren(
    h('p', {}, h('strong', {}, title), ': shown only this once, copy it now.'),
    h('dl', {}, ...entries.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, h('code', {}, value), copyButton(`Copy ${label}`, value))])),
    dismiss,
  );
  box.hidden = false;
  box.querySelector<HTMLButtonElement>('button.copy')?.focus();
}

export function hideSecrets(box: HTMLElement): void {
  box.hidden = true;
  box.replaceChildren();
}
