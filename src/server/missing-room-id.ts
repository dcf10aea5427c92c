// A room path with no room id in it (`/agent/rooms//messages` when $ROOM was empty, or `/agent/rooms/messages`): said
// as such, instead of "no route" or "no room with id messages".

/** What follows a room id in the API's paths. */
const ROOM_PARTS = new Set(['messages', 'history', 'stream', 'inbox', 'search', 'export', 'presence', 'agents', 'webhooks', 'keys']);

const EMPTY_ID = /^\/agent\/rooms\/\/([^/]*)/;
const PART_AS_ID = /^\/agent\/rooms\/([^/]+)(?:\/|$)/;

/** The 400's code and message for a path whose room id is empty or is one of the words that follow it; undefined for any
 *  other path. */
export function missingRoomId(path: string): { code: 'missing_room_id'; message: string } | undefined {
  const part = EMPTY_ID.exec(path)?.[1] ?? PART_AS_ID.exec(path)?.[1];
  if (part === undefined || (part !== '' && !ROOM_PARTS.has(part) && !EMPTY_ID.test(path))) return undefined;
  const shown = part === '' ? '' : `/${part}`;
  return {
    code: 'missing_room_id',
    message: `The room id is missing from ${path.slice(0, 120)}: use /agent/rooms/ROOM_ID${shown}, with the id that creating the room returned ` +
      '(if it came from a shell variable such as $ROOM, that variable is empty). List rooms with GET /agent/rooms.',
  };
}
