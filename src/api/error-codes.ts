// Every error code the API answers, with its status and what it means: the OpenAPI document lists each route's.

/** code: [HTTP status, what it means]. A test holds this equal to the codes the server's source throws. */
export const ERROR_CODES = {
  invalid_query: [400, 'a query parameter (or ?as=) is malformed or out of range; the message names it'],
  invalid_json: [400, 'the body is empty or not JSON'],
  too_deep: [400, 'a JSON-RPC body (A2A, /mcp) is nested deeper than the protocol wrapper plus metadata allow'],
  body_incomplete: [400, 'the body ended before Content-Length bytes arrived'],
  invalid_room: [400, 'the room fields are not valid; the message says which'],
  invalid_message: [400, 'a message is not valid; the message says which (a batch stores none)'],
  invalid_agent: [400, 'the agent name is not valid'],
  invalid_webhook: [400, 'the webhook fields are not valid'],
  webhook_url_refused: [400, 'the webhook URL is refused (not http(s), or a private address)'],
  invalid_seq: [400, 'the seq in the path is not a whole number of 1 or more'],
  invalid_ack: [400, 'the ack body is not valid, or its seq is past the newest'],
  invalid_last_event_id: [400, 'Last-Event-ID is not a seq of this room'],
  unauthorized: [401, 'auth is on and no key was sent'],
  invalid_authorization: [401, 'the Authorization header is not "Bearer KEY"'],
  invalid_key: [401, 'the key is unknown or revoked'],
  forbidden: [403, 'the key has no right to do this (another room, or a room key where the admin token is needed)'],
  read_only_key: [403, "the room's read key cannot post"],
  agent_key_required: [403, 'the room takes posts only with an agent key'],
  sender_mismatch: [403, 'an agent key acts only as its own name'],
  host_not_allowed: [403, 'with auth off, only loopback Host names (and --allow-host ones) are served'],
  origin_not_allowed: [403, 'a browser request from an origin not given with --cors'],
  room_not_found: [404, 'no room with this id (rooms are addressed by id), or it was deleted while the request waited'],
  message_not_found: [404, 'the room has no message with this seq'],
  agent_not_found: [404, 'the room has no agent with this name'],
  webhook_not_found: [404, 'the room has no webhook with this id'],
  limit: [409, 'a maximum is reached (rooms on the server, webhooks in a room, inbox names in a room)'],
  conflict: [409, 'the name is taken'],
  body_too_large: [413, 'the body is larger than --max-body'],
  unsupported_media_type: [415, 'the body must be sent with Content-Type: application/json'],
  rate_limited: [429, 'too many requests from this client; see Retry-After'],
  too_many_streams: [429, 'too many open streams and long-polls; see Retry-After'],
  loop_guard: [429, "the room's loop guard: a human must post before agents continue"],
  unavailable: [503, 'the store cannot be reached (or is shutting down); nothing was changed, retry'],
  shutting_down: [503, 'the server is shutting down; retry in a moment'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes every route can answer: the Host and Origin checks and a draining server come before any route. */
export const EVERY_ROUTE: readonly ErrorCode[] = ['host_not_allowed', 'origin_not_allowed', 'shutting_down'];
/** Codes of the gate in front of the API (/agent/* and /mcp): the rate limit and the key, which may need the store. */
export const GATED: readonly ErrorCode[] = ['rate_limited', 'invalid_authorization', 'invalid_key', 'unavailable'];
/** Codes of a route that needs a key when auth is on. */
export const KEYED: readonly ErrorCode[] = ['unauthorized', 'forbidden'];
/** Codes of a route that reads a JSON body. */
export const JSON_BODY: readonly ErrorCode[] = ['invalid_json', 'body_incomplete', 'body_too_large', 'unsupported_media_type'];
/** Codes of a route under /agent/rooms/:id. */
export const IN_A_ROOM: readonly ErrorCode[] = ['room_not_found', 'unavailable'];

/** The paths whose requests pass the gate (rate limit and key): the API under /agent, and /mcp, whose tools call it. */
export const passesGate = (path: string): boolean => path.startsWith('/agent/') || path === '/mcp';
