// Who is in the room, under its name: the names listening now (an open stream or a waiting long-poll, named by ?as=
// or an agent key) and others seen lately; fetched every few seconds while the room is open (the API has no push).
import type { PresenceEntry } from '../../src/api/presence.js';
import type { Client } from '../../src/client/client.js';
import { byId, h, timeLabel } from './dom.js';

const EVERY_MS = 5000;
/** Names not listening that are shown; the rest are counted. */
const AWAY_SHOWN = 6;

let timer: ReturnType<typeof setInterval> | undefined;
/** The room being shown, so an answer for a room just left is dropped. */
let shownRoom: string | undefined;

export function stopPresence(): void {
  clearInterval(timer);
  timer = undefined;
  shownRoom = undefined;
}

export async function startPresence(client: Client, roomId: string): Promise<void> {
  stopPresence();
  shownRoom = roomId;
  const box = byId('presence');
  box.hidden = true;
  const refresh = async () => {
    try {
      const { agents } = await client.presence(roomId);
      if (shownRoom === roomId) draw(box, agents);
    } catch {
      // A key that may not see it, or a server restarting: the line goes until the next answer.
      if (shownRoom === roomId) box.hidden = true;
    }
  };
  timer = setInterval(() => void refresh(), EVERY_MS);
  await refresh();
}

const seen = (a: PresenceEntry) =>
  [a.lastSeenAt && `last seen ${timeLabel(a.lastSeenAt)}`, a.lastPostAt && `last post ${timeLabel(a.lastPostAt)}`].filter(Boolean).join(' · ') || 'not seen yet';

const names = (label: string, cls: string, list: PresenceEntry[]) =>
  h('ul', { class: `who ${cls}`, 'aria-label': label }, ...list.map((a) => h('li', { title: seen(a), 'data-name': a.name }, a.name)));

function draw(box: HTMLElement, agents: PresenceEntry[]): void {
  const listening = agents.filter((a) => a.listening);
  const away = agents.filter((a) => !a.listening);
  const more = away.length - AWAY_SHOWN;
  const parts = [
    h('span', { class: 'muted' }, 'Listening:'),
    listening.length > 0 ? names('Listening now', 'listening', listening) : h('span', { class: 'muted' }, 'no one'),
    away.length > 0 ? h('span', { class: 'muted' }, '· Seen:') : null,
    away.length > 0 ? names('Seen, not listening', 'away', away.slice(0, AWAY_SHOWN)) : null,
    more > 0 ? h('span', { class: 'muted' }, `and ${more} more`) : null,
  ];
  box.replaceChildren(...parts.filter((p) => p !== null));
  box.hidden = false;
}
