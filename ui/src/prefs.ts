// What the browser remembers: the person's name, keys, and the last seq seen in each room (for unread markers).

const get = (k: string) => {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
};
const set = (k: string, v: string) => {
  try {
    localStorage.setItem(k, v);
  } catch {
    // private mode: nothing is remembered
  }
};

const DEFAULT_NAME = 'human';

/** What a room notifies of: messages for the person (@mention or `to`), every message, or nothing. */
export type NotifyMode = 'mine' | 'all' | 'off';
const NOTIFY_PREFIX = 'im.notify.room.';

export const prefs = {
  /** The composer's name: "human" until the person picks another, so the first post needs no setup. */
  name: () => get('im.name') || DEFAULT_NAME,
  setName: (name: string) => set('im.name', name),
  /** A room's key, or else the admin token: what this browser uses for that room. */
  key: (roomId: string) => get(`im.key.${roomId}`) ?? get('im.key.admin') ?? undefined,
  setKey: (roomId: string, key: string) => set(`im.key.${roomId}`, key),
  /** The room's own key, when this browser holds one (not the admin token). */
  roomKey: (roomId: string) => get(`im.key.${roomId}`) ?? undefined,
  /** A deleted room: its key and unread marker go. */
  forget: (roomId: string) => {
    try {
      localStorage.removeItem(`im.key.${roomId}`);
      localStorage.removeItem(`im.seen.${roomId}`);
      localStorage.removeItem(`${NOTIFY_PREFIX}${roomId}`);
    } catch {
      // private mode: nothing was remembered
    }
  },
  adminKey: () => get('im.key.admin') ?? undefined,
  setAdminKey: (key: string) => set('im.key.admin', key),
  /** Notifications turned on by the person (the browser's permission is asked then, never on load). */
  notifications: () => get('im.notify') === 'on',
  setNotifications: (on: boolean) => set('im.notify', on ? 'on' : 'off'),
  sound: () => get('im.sound') === 'on',
  setSound: (on: boolean) => set('im.sound', on ? 'on' : 'off'),
  /** The room's "Notify me of": messages for the person unless they chose otherwise. */
  notifyMode: (roomId: string): NotifyMode => {
    const mode = get(`${NOTIFY_PREFIX}${roomId}`);
    return mode === 'all' || mode === 'off' ? mode : 'mine';
  },
  setNotifyMode: (roomId: string, mode: NotifyMode) => set(`${NOTIFY_PREFIX}${roomId}`, mode),
  /** Rooms the person chose a notify setting for, other than nothing: followed while other rooms are open. */
  followedRooms: (): string[] => {
    try {
      return Object.keys(localStorage)
        .filter((k) => k.startsWith(NOTIFY_PREFIX) && localStorage.getItem(k) !== 'off')
        .map((k) => k.slice(NOTIFY_PREFIX.length));
    } catch {
      return [];
    }
  },
  seen: (roomId: string) => Number(get(`im.seen.${roomId}`) ?? 0),
  setSeen: (roomId: string, seq: number) => {
    if (seq > prefs.seen(roomId)) set(`im.seen.${roomId}`, String(seq));
  },
};
