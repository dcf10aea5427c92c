// Redacting a message from the UI: its Redact button asks first, then the message shows as redacted here and, through
// the stream's `redacted` event, in every other open page.
import type { Message } from '../../src/api/types.js';
import { confirmInstead } from './confirm.js';
import { byId } from './dom.js';
import { failed, type ManageHooks } from './manage.js';

export function setupRedaction(hooks: ManageHooks, redacted: (m: Message) => void): void {
  for (const list of ['messages', 'results-list']) {
    byId(list).addEventListener('click', async (e) => {
      const button = (e.target as Element).closest<HTMLButtonElement>('button.redact');
      const item = button?.closest<HTMLLIElement>('li.message');
      const open = hooks.current();
      if (!button || !item || !open) return;
      const seq = Number(item.dataset.seq);
      if (!(await confirmInstead(button, `Redact message ${seq} from ${item.dataset.sender}? Its text is removed for good.`, 'Redact'))) return;
      try {
        redacted(await open.client.redactMessage(open.room.id, seq));
      } catch (err) {
        failed(byId('composer-status'), `Message ${seq} not redacted`, err, hooks);
      }
    });
  }
}
