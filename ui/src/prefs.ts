// What the browser remembers: the person's name and the last seq seen in each room (for unread markers).

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

export const prefs = {
  name: () => get('im.name') ?? '',
  setName: (name: string) => set('im.name', name),
  seen: (roomId: string) => Number(get(`im.seen.${roomId}`) ?? 0),
  setSeen: (roomId: string, seq: number) => {
    if (seq > prefs.seen(roomId)) set(`im.seen.${roomId}`, String(seq));
  },
};
