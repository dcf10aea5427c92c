// Reaching the person while a room is not in view: a system notification (once they turn them on), an unread count in
// the tab title, a dot on the favicon and an optional sound. The open room reports its messages; every other room the
// person follows (its "Notify me of" set here) gets a stream of its own.
import { isFor } from '../../src/api/addressed.js';
import type { Message, Room } from '../../src/api/types.js';
import type { Client } from '../../src/client/client.js';
import { byId } from './dom.js';
import { prefs, type NotifyMode } from './prefs.js';

const FAVICON = '/favicon.svg';
const faviconWithDot = (): string => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="4" width="28" height="20" rx="5" fill="#2f5fd0"/>' +
    '<path d="M8 24v6l7-6z" fill="#2f5fd0"/><circle cx="25" cy="7" r="7" fill="#d93025" stroke="#fff" stroke-width="2"/></svg>';
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
};

export class Notifier {
  private unread = 0;
  private base = 'im-for-agents';
  private current: string | undefined;
  /** Streams of followed rooms other than the open one, by room id. */
  private readonly streams = new Map<string, AbortController>();
  private audio: AudioContext | undefined;
  /** Opens a message: set by the page (changes the route). */
  open: (roomId: string, seq: number) => void = () => {};

  constructor() {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.clear();
    });
  }

  /** The page's title without the count. */
  title(base: string): void {
    this.base = base;
    this.draw();
  }

  /** The room now on screen (its view reports its messages itself); the other followed rooms are streamed. */
  follow(client: (roomId: string) => Client, currentRoomId: string | undefined): void {
    this.current = currentRoomId;
    const wanted = new Set(prefs.followedRooms().filter((id) => id !== currentRoomId));
    for (const [id, stop] of this.streams) {
      if (wanted.has(id)) continue;
      stop.abort();
      this.streams.delete(id);
    }
    for (const id of wanted) if (!this.streams.has(id)) this.stream(client(id), id);
  }

  private stream(client: Client, roomId: string): void {
    const stop = new AbortController();
    this.streams.set(roomId, stop);
    void (async () => {
      try {
        const room = await client.getRoom(roomId);
        for await (const m of client.stream(roomId, { after: room.lastSeq, signal: stop.signal })) this.arrived(room, m);
      } catch {
        // A room deleted or a key taken away: it is no longer followed from this page until it is opened again.
        this.streams.delete(roomId);
      }
    })();
  }

  /** A message arrived in `room`: counted, and shown as a notification, when it is for the person and not in view. */
  arrived(room: Room, m: Message): void {
    const me = prefs.name();
    const mode: NotifyMode = prefs.notifyMode(room.id);
    if (m.sender === me || mode === 'off') return;
    if (mode === 'mine' && !isFor(m, me)) return;
    if (room.id === this.current && document.visibilityState === 'visible') return;
    this.unread += 1;
    this.draw();
    if (prefs.notifications() && 'Notification' in window && Notification.permission === 'granted') {
      const first = (m.content.split('\n').find((l) => l.trim()) ?? '').slice(0, 200);
      const note = new Notification(`${m.sender} in ${room.name}`, { body: first, tag: m.id });
      note.onclick = () => {
        window.focus();
        note.close();
        this.open(room.id, m.seq);
      };
    }
    if (prefs.sound()) this.beep();
  }

  private clear(): void {
    this.unread = 0;
    this.draw();
  }

  private draw(): void {
    document.title = this.unread > 0 ? `(${this.unread}) ${this.base}` : this.base;
    byId<HTMLLinkElement>('favicon').href = this.unread > 0 ? faviconWithDot() : FAVICON;
  }

  /** A short soft tone; browsers allow it once the person has interacted with the page. */
  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      const osc = this.audio.createOscillator();
      const gain = this.audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, this.audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, this.audio.currentTime + 0.25);
      osc.connect(gain).connect(this.audio.destination);
      osc.start();
      osc.stop(this.audio.currentTime + 0.25);
    } catch {
      // No audio here: the notification and the title still tell.
    }
  }
}

export const notifier = new Notifier();

/** The room toolbar's controls: turning notifications on (the one place that asks), what this room notifies of, sound. */
export function setupNotifyControls(currentRoomId: () => string | undefined, refollow: () => void): void {
  const toggle = byId<HTMLButtonElement>('notify-toggle');
  const mode = byId<HTMLSelectElement>('notify-mode');
  const sound = byId<HTMLInputElement>('notify-sound');
  const status = byId('notify-status');
  const drawToggle = () => {
    const supported = 'Notification' in window;
    const on = supported && prefs.notifications() && Notification.permission === 'granted';
    toggle.textContent = on ? 'Turn off notifications' : 'Turn on notifications';
    toggle.setAttribute('aria-pressed', String(on));
    if (!supported) status.textContent = 'This browser has no notifications; the tab title still counts.';
    else if (prefs.notifications() && Notification.permission === 'denied') status.textContent = 'Notifications are blocked in this site’s browser settings.';
    else status.textContent = '';
  };
  toggle.addEventListener('click', async () => {
    if (prefs.notifications() && 'Notification' in window && Notification.permission === 'granted') {
      prefs.setNotifications(false);
    } else if ('Notification' in window) {
      prefs.setNotifications(true);
      if (Notification.permission === 'default') await Notification.requestPermission();
    }
    drawToggle();
  });
  mode.addEventListener('change', () => {
    const id = currentRoomId();
    if (!id) return;
    prefs.setNotifyMode(id, mode.value as NotifyMode);
    refollow();
  });
  sound.checked = prefs.sound();
  sound.addEventListener('change', () => prefs.setSound(sound.checked));
  drawToggle();
}

/** Shows the open room's setting in the select. */
export function showNotifyMode(roomId: string): void {
  byId<HTMLSelectElement>('notify-mode').value = prefs.notifyMode(roomId);
}
