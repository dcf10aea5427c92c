// The Store interface, by concern: storage (what a request reads and writes), room events (who is told of what) and
// migration (whole rooms in and out). The file store and the Redis store implement all three; each consumer takes
// only the part it uses.
import type { Agent, CreateRoomInput, Message, MessageInput, Room, RoomPatch, RoomSettings } from '../api/types.js';
import type { RoomPage } from './room-order.js';

/** Without `after`: the newest `limit` messages. With `after`: the first `limit` messages whose seq is past it. */
export interface ReadOptions {
  after?: number;
  limit: number;
}

/** What the server appends: the client's message plus what the server derived (mentions, a proven sender). */
export type NewMessage = MessageInput & Pick<Message, 'mentions' | 'verified'>;

export type MessageListener = (messages: readonly Message[]) => void;

export type RedactListener = (message: Message) => void;

/** SHA-256 hex digests of a room's keys; the keys themselves are never stored. */
export interface KeyHashes {
  write: string;
  read: string;
}

export interface NewRoom extends CreateRoomInput {
  keyHashes?: KeyHashes;
}

export interface KeyOwner {
  roomId: string;
  access: 'read' | 'write';
  /** Set for an agent key: the name its posts are signed with. */
  agent?: string;
}

/** Everything a room holds besides its messages: what `migrate` copies from one store to another. */
export interface RoomRecord {
  room: Room;
  keyHashes?: KeyHashes;
  /** Named agents, each with its key's SHA-256 hex digest. */
  agents: { name: string; keyHash: string; createdAt: string }[];
  /** Inbox read cursors by name. */
  cursors: Record<string, number>;
}

/** Rooms, messages, keys, agents and cursors: what the server's routes read and write. */
export interface RoomStorage {
  /** Loads and repairs what is on disk; throws a StoreError('corrupt') rather than overwrite anything. */
  open(): Promise<void>;
  /** Waits for queued writes, then releases files. */
  close(): Promise<void>;
  /** Throws StoreError('limit') when the server already holds its maximum number of rooms. */
  createRoom(input: NewRoom): Promise<Room>;
  /** The room and access level of a key, by the key's SHA-256 hex digest. */
  findKey(hash: string): Promise<KeyOwner | undefined>;
  getRoom(id: string): Promise<Room | undefined>;
  /** Newest activity first (the order of compareRooms in room-order.ts): every room, or one page of them (pickPage
   *  there does the choosing for a store that holds its rooms in memory). */
  listRooms(page?: RoomPage): Promise<Room[]>;
  /** Renames the room, sets its topic or changes its settings (a setting given as null is cleared). */
  updateRoom(id: string, patch: RoomPatch): Promise<Room>;
  /** Removes the room, its keys and its files; its subscribers are told through `onDelete`. False if there was none. */
  deleteRoom(id: string): Promise<boolean>;
  /** Replaces the room's write and read keys: the old ones stop working at once. */
  setKeys(roomId: string, keyHashes: KeyHashes): Promise<void>;
  /** Adds a named agent with its key's digest; StoreError('conflict') if the room already has an agent by that name. */
  addAgent(roomId: string, name: string, keyHash: string): Promise<Agent>;
  listAgents(roomId: string): Promise<Agent[]>;
  /** Revokes an agent's key at once; false if the room has no agent by that name. */
  removeAgent(roomId: string, name: string): Promise<boolean>;
  /** Appends all messages or none; resolves once they are durable, in one contiguous seq range. */
  append(roomId: string, inputs: readonly NewMessage[]): Promise<Message[]>;
  /**
   * As append, in the same step as reading the room, for a store whose every read of a room is a round trip (Redis):
   * undefined, and nothing stored, when the room is missing or has any of `settings` set (the caller then reads the
   * room and takes the way that sees them). A store without it is read first (src/server/send.ts).
   */
  appendUnless?(roomId: string, inputs: readonly NewMessage[], settings: readonly (keyof RoomSettings)[]): Promise<Message[] | undefined>;
  read(roomId: string, options: ReadOptions): Promise<Message[]>;
  /** NAME's inbox read cursor in the room: the seq of the last message it acknowledged, 0 before any. */
  getCursor(roomId: string, name: string): Promise<number>;
  /** Moves NAME's cursor forward to `seq`, never back (a smaller seq leaves it); resolves with the cursor after the
   *  call, once it is durable. Kept with the room, removed with it. The caller checks seq against the room's lastSeq.
   *  A new name past MAX_INBOX_NAMES in the room is a StoreError('limit') unless it has an agent key, or `uncapped`
   *  (migrate copies every cursor a room has, also one made before the cap). */
  setCursor(roomId: string, name: string, seq: number, options?: { uncapped?: boolean }): Promise<number>;
  /**
   * Replaces the message's content by REDACTED_CONTENT and drops its metadata but an A2A messageId (id, seq, sender, times, to, mentions
   * kept), so the original text is nowhere in storage afterwards; then tells `onRedact` listeners. Undefined when the
   * room has no message with this seq (never written, or dropped by retention). Redacting again returns the redacted
   * message unchanged and tells nobody.
   */
  redact(roomId: string, seq: number): Promise<Message | undefined>;
}

/**
 * Live listeners of a room (streams, long polls, webhooks, A2A subscriptions). Each call returns the unsubscribe
 * function; a listener that throws is named in a warning and stops neither the others nor the write that made the
 * event (both stores keep a room's listeners in one RoomEvents, room-events.ts).
 */
export interface RoomEventSource {
  /** Calls `listener` with every batch of messages made durable after this call, in seq order. */
  subscribe(roomId: string, listener: MessageListener): () => void;
  /** Calls `listener` with each message redacted after this call. */
  onRedact(roomId: string, listener: RedactListener): () => void;
  /** Calls `listener` once if the room is deleted. */
  onDelete(roomId: string, listener: () => void): () => void;
}

/** Whole rooms in and out, ids, seqs and times kept: what `migrate` adds to storage. */
export interface RoomMigration {
  /** The room with its key digests, agents and cursors (for `migrate`); undefined if there is none. */
  exportRoom(id: string): Promise<RoomRecord | undefined>;
  /**
   * Creates a room with the record's id, name, createdAt, topic, settings, key digests and agents in one step (for
   * `migrate`; cursors are set afterwards with setCursor). StoreError('conflict') if the id exists.
   */
  importRoom(record: RoomRecord): Promise<Room>;
  /**
   * Appends messages as they are, keeping id, seq, createdAt and every other field (for `migrate`). The first seq
   * must follow the room's lastSeq; an empty room may start at any seq (its older messages were dropped by
   * retention). Resolves once they are durable.
   */
  importMessages(roomId: string, messages: readonly Message[]): Promise<void>;
}

/** What the server serves from: storage and its events (migration is not the server's business). */
export type ServedStore = RoomStorage & RoomEventSource;

/** Everything a store is; FileStore and RedisStore implement it. */
export interface Store extends RoomStorage, RoomEventSource, RoomMigration {}

/** Where a store reports what it repaired or could not use (one line each, for stderr). */
export type Warn = (message: string) => void;

export interface Retention {
  /** Keep at most this many messages (the newest). */
  maxMessages?: number;
  /** Drop messages older than this many milliseconds. */
  maxAgeMs?: number;
}
