// An inline "are you sure?" in place of a button: the question, a button that does it, and Cancel (focused: the safe choice).
import { h } from './dom.js';

/** Resolves true when the person confirms; Cancel or Escape resolve false. Focus goes back to the button. */
export function confirmInstead(button: HTMLButtonElement, question: string, yes: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: 'danger' }, yes);
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const box = h('div', { class: 'confirm', role: 'group', 'aria-label': question }, h('p', {}, question), ok, cancel);
    const answer = (yes: boolean) => {
      box.remove();
      button.hidden = false;
      button.focus();
      resolve(yes);
    };
    ok.addEventListener('click', () => answer(true));
    cancel.addEventListener('click', () => answer(false));
    box.addEventListener('keydown', (e) => e.key === 'Escape' && answer(false));
    button.hidden = true;
    button.after(box);
    cancel.focus();
  });
}
