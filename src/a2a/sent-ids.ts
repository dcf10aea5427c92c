// Remembers which A2A messageIds were posted, so a retried SendMessage is stored once and answered the same way.
import type { Message } from '../api/types.js';
import type { SendOnce } from '../store/fleet-contract.js';

/** How many recent A2A sends per room are remembered (and read back from the room after a restart). */
export const REMEMBERED_PER_ROOM = 1000;
const MAX_ROOMS = 10_000;

/** Calls `forget` once if the room is deleted (Store.onDelete); returns the unsubscribe. */
export type WatchDelete = (roomId: string, forget: () => void) => () => void;

/** One server's memory of recent sends, read back from the room after a restart; a deleted room's is dropped. */
export class SentIds implements SendOnce {
  /** Per room: messageId -> the stored message (or the send in flight). */
  private readonly rooms = new Map<string, Map<string, Promise<Message>>>();
  private readonly loaded = new Map<string, Promise<void>>();
  /** Sends without a contextId (each opened a room), by messageId. */
  private readonly opened = new Map<string, Promise<Message>>();
  private readonly unwatch = new Map<string, () => void>();

  /** With `watchDelete`, a deleted room's sends are forgotten: a retry then fails as a send to a missing room does,
   *  instead of answering with a message that no longer exists. */
  constructor(private readonly watchDelete?: WatchDelete) {}

  /**
   * Posts to an existing room unless this messageId was posted there already. The first use of a room after a
   * start reads its latest messages back (`recent`), so a retry that spans a restart is still recognised.
   */
  async inRoom(roomId: string, messageId: string, post: () => Promise<Message>, recent: () => Promise<Message[]>): Promise<Message> {
    await this.load(roomId, recent);
    const ids = this.ids(roomId);
    return ids.get(messageId) ?? remember(ids, messageId, post());
  }

  /** Opens a room and posts to it, unless this messageId did so already (remembered while the server runs). */
  async inNewRoom(messageId: string, post: () => Promise<Message>): Promise<Message> {
    const sent = this.opened.get(messageId) ?? remember(this.opened, messageId, post());
    const message = await sent;
    this.ids(message.roomId).set(messageId, sent);
    return message;
  }

  private load(roomId: string, recent: () => Promise<Message[]>): Promise<void> {
    let loading = this.loaded.get(roomId);
    if (!loading) {
      loading = recent().then(
        (messages) => {
          const ids = this.ids(roomId);
          for (const m of messages) {
            const id = a2aMessageId(m);
            if (id !== undefined && !ids.has(id)) ids.set(id, Promise.resolve(m));
          }
        },
        (err: unknown) => {
          this.loaded.delete(roomId);
          throw err;
        },
      );
      this.loaded.set(roomId, loading);
    }
    return loading;
  }

  private ids(roomId: string): Map<string, Promise<Message>> {
    let ids = this.rooms.get(roomId);
    if (!ids) {
      if (this.rooms.size >= MAX_ROOMS) this.forget(this.rooms.keys().next().value!, false);
      this.rooms.set(roomId, (ids = new Map()));
      try {
        if (this.watchDelete) this.unwatch.set(roomId, this.watchDelete(roomId, () => this.forget(roomId, true)));
      } catch {
        // The room is gone already: the post that follows fails with room_not_found, and nothing needs watching.
      }
    }
    return ids;
  }

  /** Drops a room's memory: evicted (the oldest past MAX_ROOMS), or deleted (then also its new-room sends). */
  private forget(roomId: string, deleted: boolean): void {
    if (deleted) for (const messageId of this.rooms.get(roomId)?.keys() ?? []) this.opened.delete(messageId);
    this.rooms.delete(roomId);
    this.loaded.delete(roomId);
    this.unwatch.get(roomId)?.();
    this.unwatch.delete(roomId);
  }
}

/** Keeps the send under its id (the oldest beyond the limit is forgotten); a failed send is forgotten at once. */
function remember(ids: Map<string, Promise<Message>>, messageId: string, sent: Promise<Message>): Promise<Message> {
  ids.set(messageId, sent);
  if (ids.size > REMEMBERED_PER_ROOM) ids.delete(ids.keys().next().value!);
  sent.catch(() => {
    if (ids.get(messageId) === sent) ids.delete(messageId);
  });
  return sent;
}

/** The A2A messageId a room message was posted with, if it came through A2A. */
export function a2aMessageId(m: Message): string | undefined {
  const a2a = m.metadata?.a2a as { messageId?: unknown } | undefined;
  return typeof a2a?.messageId === 'string' ? a2a.messageId : undefined;
}
