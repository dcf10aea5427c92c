// Live delivery across instances: one pub/sub connection per instance, subscribed to the channel of each room that has
// local listeners (and no other), wakes those rooms, which then read what is new from their own cursor, so every
// listener gets each message once, in seq order.
import type { Message } from '../../api/types.js';
import type { Warn } from '../store.js';
import { rememberJson } from '../message-json.js';
import { RoomEvents } from '../room-events.js';
import type { MessageListener, RedactListener } from '../store.js';
import type { RedisConnection } from './connection.js';

export interface LiveRoomsSource {
  /** The room's newest seq now, or undefined if the room is gone. */
  lastSeq(roomId: string): Promise<number | undefined>;
  /** Up to `limit` messages past `after`, or undefined if the room is gone. */
  readAfter(roomId: string, after: number, limit: number): Promise<Message[] | undefined>;
}

/** One room this instance has listeners for. */
interface Watch {
  roomId: string;
  /** The newest seq handed to the listeners; unknown until the first read of the room's counter. */
  cursor: number | undefined;
  /** Its listeners; when the last one leaves, the room is watched no more. */
  events: RoomEvents;
  /** Seqs whose redaction the listeners heard (the instance that redacts tells them at once, its notice comes later). */
  redacted: Set<number>;
  /** A catch-up is running; `again` asks it for one more round. */
  busy: boolean;
  again: boolean;
  retry: NodeJS.Timeout | undefined;
  /** Whether the room's channel is subscribed on this instance's pub/sub connection, or the SUBSCRIBE is on its way. */
  channel: 'no' | 'pending' | 'yes';
}

const PAGE = 1000;
const RETRY_MS = 1000;
/** How often every watched room is read again by default (LiveRooms' `checkMs`). */
export const DEFAULT_ROOM_CHECK_MS = 10_000;

export class LiveRooms {
  private readonly watches = new Map<string, Watch>();
  private closed = false;
  private sweep: NodeJS.Timeout | undefined;
  private subscriber: RedisConnection | undefined;
  private channelOf: (roomId: string) => string = () => '';
  private sharded = false;
  /** One listener for every room's channel: a notice names its room. */
  private readonly onNotice = (notice: string) => this.notice(notice);

  /** `checkMs`: how often each watched room is read again, so one whose keys left Redis without a delete notice
   *  (flushed, evicted, deleted by hand, a Redis restarted without its data) ends its listeners, and a notice lost
   *  on the way is made up for. One existence check and one read per watched room each time, none per send. */
  constructor(
    private readonly source: LiveRoomsSource,
    private readonly warn: Warn,
    private readonly checkMs = DEFAULT_ROOM_CHECK_MS,
  ) {}

  /** Listens on `channelOf(room)` of each watched room, from its first listener to its last, so a send wakes only the
   *  instances with listeners in its room. After a reconnect every watched room catches up, since notices sent while
   *  the connection was down are lost (pub/sub keeps nothing) while the streams keep every message. `sharded`: the
   *  channels are SSUBSCRIBEd (a Cluster, where the notices are SPUBLISHed on the room's shard). */
  async start(subscriber: RedisConnection, channelOf: (roomId: string) => string, sharded = false): Promise<void> {
    this.subscriber = subscriber;
    this.channelOf = channelOf;
    this.sharded = sharded;
    // Connected already, so each 'ready' from here on is a reconnect (the client subscribes its channels again).
    subscriber.on('ready', () => this.pokeAll());
    this.sweep = setInterval(() => this.pokeAll(), this.checkMs).unref();
  }

  private pokeAll(): void {
    for (const w of this.watches.values()) {
      this.listen(w);
      this.poke(w);
    }
  }

  /** Subscribes the room's channel, then reads the room once more: a message sent after the first read of its counter
   *  and before the subscription took effect had its notice missed. A failed SUBSCRIBE is tried again at the next
   *  sweep or reconnect. */
  private listen(w: Watch): void {
    if (w.channel !== 'no' || !this.subscriber || this.closed) return;
    w.channel = 'pending';
    const channel = this.channelOf(w.roomId);
    (this.sharded ? this.subscriber.sSubscribe(channel, this.onNotice) : this.subscriber.subscribe(channel, this.onNotice)).then(
      () => {
        if (w.channel === 'pending') w.channel = 'yes';
        this.poke(w);
      },
      () => {
        if (w.channel === 'pending') w.channel = 'no';
      },
    );
  }

  private notice(text: string): void {
    const space = text.indexOf(' ');
    const roomId = text.slice(0, space);
    const what = text.slice(space + 1);
    const w = this.watches.get(roomId);
    if (!w) return;
    if (what === 'deleted') return this.deleted(roomId);
    if (what.startsWith('redacted ')) {
      const json = what.slice('redacted '.length);
      const message = JSON.parse(json) as Message;
      rememberJson(message, json);
      return this.redactedMessage(roomId, message);
    }
    this.poke(w, Number(what));
  }

  subscribe(roomId: string, listener: MessageListener): () => void {
    return this.watch(roomId).events.subscribe(listener);
  }

  onDelete(roomId: string, listener: () => void): () => void {
    return this.watch(roomId).events.onDelete(listener);
  }

  onRedact(roomId: string, listener: RedactListener): () => void {
    return this.watch(roomId).events.onRedact(listener);
  }

  /** A message was redacted (here or on another instance): its listeners hear it once. */
  redactedMessage(roomId: string, message: Message): void {
    const w = this.watches.get(roomId);
    if (!w || w.redacted.has(message.seq)) return;
    w.redacted.add(message.seq);
    w.events.redacted(message);
  }

  /** Messages this instance just appended: handed over at once when they are the next ones, else read in order. */
  appended(roomId: string, messages: Message[]): void {
    const w = this.watches.get(roomId);
    if (!w || messages.length === 0) return;
    if (!w.busy && w.cursor !== undefined && messages[0]!.seq === w.cursor + 1) {
      w.cursor = messages.at(-1)!.seq;
      this.deliver(w, messages);
    } else this.poke(w, messages.at(-1)!.seq);
  }

  /** The room is gone: its delete listeners are called once and it is watched no more. */
  deleted(roomId: string): void {
    const w = this.watches.get(roomId);
    if (!w) return;
    this.drop(w);
    w.events.deleted();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    for (const w of this.watches.values()) clearTimeout(w.retry);
    this.watches.clear();
  }

  private watch(roomId: string): Watch {
    let w = this.watches.get(roomId);
    if (!w) {
      const watch: Watch = {
        roomId,
        cursor: undefined,
        events: new RoomEvents(roomId, this.warn, () => this.drop(watch)),
        redacted: new Set(),
        busy: false,
        again: false,
        retry: undefined,
        channel: 'no',
      };
      w = watch;
      this.watches.set(roomId, w);
      // Started now, before the caller's first read goes out on the same connection: whatever that read misses is
      // past this counter, so the catch-up delivers it.
      this.poke(w);
      this.listen(w);
    }
    return w;
  }

  private drop(w: Watch): void {
    clearTimeout(w.retry);
    if (this.watches.get(w.roomId) === w) this.watches.delete(w.roomId);
    // Queued behind the SUBSCRIBE on the same connection, so it undoes it even while that is still on its way; a
    // watch of the room made meanwhile subscribes again after it.
    if (w.channel !== 'no' && this.subscriber && !this.closed) {
      w.channel = 'no';
      const channel = this.channelOf(w.roomId);
      (this.sharded ? this.subscriber.sUnsubscribe(channel, this.onNotice) : this.subscriber.unsubscribe(channel, this.onNotice)).catch(() => {});
    }
  }

  private poke(w: Watch, seq?: number): void {
    if (seq !== undefined && w.cursor !== undefined && seq <= w.cursor) return;
    w.again = true;
    if (!w.busy) void this.catchUp(w);
  }

  /** Reads from the cursor to the end, page by page, one catch-up per room at a time. */
  private async catchUp(w: Watch): Promise<void> {
    w.busy = true;
    try {
      while (w.again && this.watches.get(w.roomId) === w) {
        w.again = false;
        if (w.cursor === undefined) {
          const last = await this.source.lastSeq(w.roomId);
          if (last === undefined) return this.deleted(w.roomId);
          w.cursor ??= last;
          continue;
        }
        const page = await this.source.readAfter(w.roomId, w.cursor, PAGE);
        if (page === undefined) return this.deleted(w.roomId);
        if (page.length === 0 || this.watches.get(w.roomId) !== w) continue;
        w.cursor = page.at(-1)!.seq;
        this.deliver(w, page);
        if (page.length === PAGE) w.again = true;
      }
    } catch {
      // Redis is away: try again soon (and at once when the subscriber reconnects); the cursor keeps the place.
      if (!this.closed && this.watches.get(w.roomId) === w) {
        clearTimeout(w.retry);
        w.retry = setTimeout(() => this.poke(w), RETRY_MS).unref();
      }
    } finally {
      w.busy = false;
    }
  }

  private deliver(w: Watch, messages: Message[]): void {
    w.events.messages(messages);
  }
}
