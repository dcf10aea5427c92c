// The room list: name, last activity, message count and an unread marker; refreshed every few seconds.
import type { CreatedRoom } from '../../src/api/types.js';
import type { Room } from '../../src/api/types.js';
import type { Client } from '../../src/client/client.js';
import { byId, h, timeLabel } from './dom.js';
import { prefs } from './prefs.js';

export function renderRooms(rooms: Room[], currentId: string | undefined): void {
  const list = byId('room-list');
  byId('rooms-empty').hidden = rooms.length > 0;
  // The list is redrawn on every refresh: a room's link that had the keyboard focus gets it back in the new list, or a
  // person tabbing through the rooms would be sent back to the top of the page every few seconds.
  const focused = list.contains(document.activeElement) ? document.activeElement?.getAttribute('href') : null;
  list.replaceChildren(
    ...rooms.map((r) => {
      const unread = r.id === currentId ? 0 : Math.max(0, r.lastSeq - prefs.seen(r.id));
      return h(
        'li',
        { class: r.id === currentId ? 'current' : undefined },
        h(
          'a',
          { href: `#/room/${r.id}`, 'aria-current': r.id === currentId ? 'page' : undefined },
          h('span', { class: 'room-name' }, r.name),
          unread > 0 ? h('span', { class: 'unread', 'aria-label': `${unread} unread` }, String(unread)) : null,
          h('span', { class: 'room-meta muted' }, `${r.messageCount} msg · ${timeLabel(r.lastActivityAt)}`),
        ),
      );
    }),
  );
  if (focused) list.querySelector<HTMLElement>(`a[href="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
}

export function setupCreateRoom(client: () => Client, onCreated: (room: CreatedRoom) => void): void {
  const form = byId<HTMLFormElement>('create-room');
  const input = byId<HTMLInputElement>('new-room-name');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    void client().createRoom(name).then((room) => {
      input.value = '';
      onCreated(room);
    });
  });
}
