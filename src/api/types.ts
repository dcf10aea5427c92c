// The API contract: the shapes that the server answers with and the client reads.

/** A room as the API returns it. */
export interface Room {
  id: string;
  name: string;
  createdAt: string;
  /** Time of the newest message, or of creation when there is none. */
  lastActivityAt: string;
  messageCount: number;
  /** Seq of the newest message; 0 when the room is empty. */
  lastSeq: number;
  /** Set by PATCH /agent/rooms/:id. */
  topic?: string;
  /** Present once a setting was changed from its default. */
  settings?: RoomSettings;
}

/** A room's settings; each is off when absent. */
export interface RoomSettings {
  /** Posts need an agent key (the admin token still may post); the room's write key alone is refused. */
  agentKeysOnly?: boolean;
  /** Most consecutive agent messages without a human message between them; past it agent posts get 429 loop_guard. */
  loopGuard?: number;
}

/** Body of PATCH /agent/rooms/:id: each field optional; a setting given as null goes back to its default. */
export interface RoomPatch {
  name?: string;
  topic?: string | null;
  settings?: { [K in keyof RoomSettings]?: RoomSettings[K] | null };
}

/** A room's named agent as listed (its key is shown once, when it is made). */
export interface Agent {
  name: string;
  createdAt: string;
}

/** Answer of POST /agent/rooms/:id/agents. */
export interface CreatedAgent extends Agent {
  key: string;
}

/** A stored message. `seq` starts at 1 in each room and only grows. */
export interface Message {
  id: string;
  seq: number;
  roomId: string;
  sender: string;
  content: string;
  createdAt: string;
  to?: string[];
  replyTo?: string;
  type?: string;
  metadata?: Record<string, unknown>;
  /** Names @mentioned in the content (word-bounded `@name`), in order of first mention. */
  mentions?: string[];
  /** True when the sender was proven by an agent key. */
  verified?: boolean;
  /** Set when the message was redacted: its content is REDACTED_CONTENT and its metadata is gone (but for an A2A messageId). */
  redacted?: true;
  /** When it was redacted. */
  redactedAt?: string;
}

/** The content a redacted message keeps in place of its text. */
export const REDACTED_CONTENT = '[redacted]';

/** What a client sends to post one message. */
export interface MessageInput {
  sender: string;
  content: string;
  to?: string[];
  replyTo?: string;
  type?: string;
  metadata?: Record<string, unknown>;
}

export interface CreateRoomInput {
  name: string;
}

/** Answer of POST /agent/demo/room and POST /agent/rooms: the room plus `roomId` for the hosted API's clients. */
export interface CreatedRoom extends Room {
  roomId: string;
  keys: RoomKeys;
}

/** One page of GET /agent/rooms: pass `next` as `after` for the following page; null on the last one. */
export interface RoomList {
  rooms: Room[];
  next: string | null;
}

export interface History {
  roomId: string;
  messages: Message[];
  /** Long-polls (wait given) only: the seq the answer covers the room up to; pass it as `after` next time. It never
   *  passes a match that was not returned. */
  cursor?: number;
}

/** The one error shape of every 4xx and 5xx answer. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** A room's secrets, returned once, when it is created. */
export interface RoomKeys {
  /** Post and read. */
  write: string;
  /** Read only. */
  read: string;
}
