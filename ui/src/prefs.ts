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

export const prefs = {
  /** The composer's name: "human" until the person picks another, so the first post needs no setup. */
  name: () => get('im.name') || DEFAULT_NAME,
  setName: (name: string) => set('im.name', name),
  /** The name the person picked, if not the default: the one their open room is listed under as listening. */
  chosenName: () => {
    const name = get('im.name');
    return name && name !== DEFAULT_NAME ? name : undefined;
  },
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
    } catch {
      // private mode: nothing was remembered
    }
  },
  adminKey: () => get('im.key.admin') ?? undefined,
  setAdminKey: (key: string) => set('im.key.admin', key),
  seen: (roomId: string) => Number(get(`im.seen.${roomId}`) ?? 0),
  setSeen: (roomId: string, seq: number) => {
    if (seq > prefs.seen(roomId)) set(`im.seen.${roomId}`, String(seq));
  },
};
