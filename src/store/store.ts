// The Store interface: what the server needs from any storage (the file store now, Redis later).
import type { CreateRoomInput, Message, MessageInput, Room } from '../api/types.js';

/** Without `after`: the newest `limit` messages. With `after`: the first `limit` messages whose seq is past it. */
export interface ReadOptions {
  after?: number;
  limit: number;
}

export type MessageListener = (messages: readonly Message[]) => void;

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
}

export interface Store {
  /** Loads and repairs what is on disk; throws a StoreError('corrupt') rather than overwrite anything. */
  open(): Promise<void>;
  /** Waits for queued writes, then releases files. */
  close(): Promise<void>;
  /** Throws StoreError('limit') when the server already holds its maximum number of rooms. */
  createRoom(input: NewRoom): Promise<Room>;
  /** The room and access level of a key, by the key's SHA-256 hex digest. */
  findKey(hash: string): Promise<KeyOwner | undefined>;
  getRoom(id: string): Promise<Room | undefined>;
  /** Newest activity first. */
  listRooms(): Promise<Room[]>;
  /** Appends all messages or none; resolves once they are durable, in one contiguous seq range. */
  append(roomId: string, inputs: readonly MessageInput[]): Promise<Message[]>;
  read(roomId: string, options: ReadOptions): Promise<Message[]>;
  /** Calls `listener` with every batch of messages made durable after this call, in seq order. */
  subscribe(roomId: string, listener: MessageListener): () => void;
}
