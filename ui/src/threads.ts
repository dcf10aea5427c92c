// Threads in the room view: a reply's quote scrolls to the message it answers, "N replies" shows the thread, and a
// Reply button makes the composer answer that message.
import { byId } from './dom.js';
import type { RoomView } from './room-view.js';

export function setupThreads(current: () => RoomView | undefined): void {
  for (const list of ['messages', 'results-list']) {
    byId(list).addEventListener('click', (e) => {
      const open = current();
      const button = (e.target as Element).closest<HTMLButtonElement>('button.reply-to, button.replies, button.reply');
      const item = button?.closest<HTMLLIElement>('li.message');
      if (!open || !button || !item) return;
      if (button.classList.contains('reply-to')) {
        const id = button.dataset.replyTo!;
        void open.showMessage((m) => m.id === id).then((shown) => {
          if (!shown) byId('composer-status').textContent = 'The message it answers is not in this room.';
        });
      } else if (button.classList.contains('replies')) {
        void open.showThread(button.dataset.thread!);
      } else {
        open.setReply(open.message(item.dataset.id!));
      }
    });
  }
  byId('reply-cancel').addEventListener('click', () => current()?.setReply(undefined));
}
