// The presence API's shapes: who listens on a room now, and when each name was last seen and last posted.
import { z } from 'zod';

/** One name's presence in a room. */
export interface PresenceEntry {
  name: string;
  /** Holds an open SSE stream or a waiting long-poll on the room (or did within the last couple of seconds). */
  listening: boolean;
  /** Time of its last named request on the room (now while it listens), or null. */
  lastSeenAt: string | null;
  /** Time of its last post to the room, or null. */
  lastPostAt: string | null;
}

/** Answer of GET /agent/rooms/:id/presence. */
export interface RoomPresence {
  roomId: string;
  agents: PresenceEntry[];
}

export const presenceSchema = z.object({
  roomId: z.string(),
  agents: z.array(
    z.object({
      name: z.string(),
      listening: z.boolean().describe('holds an open stream or waiting long-poll named by ?as= or its agent key'),
      lastSeenAt: z.string().nullable(),
      lastPostAt: z.string().nullable(),
    }),
  ),
});
