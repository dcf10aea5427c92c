// Documented defaults and bounds of the API, shared by server, client and README.

export const DEFAULT_PORT = 7331;
export const DEFAULT_HOST = '127.0.0.1';

export const HISTORY_DEFAULT_LIMIT = 100;
export const HISTORY_MAX_LIMIT = 1000;
/** A history page also stops once it holds this many characters of message JSON (always at least one message). */
export const HISTORY_MAX_CHARS = 1024 * 1024;
/** Longest long-poll `wait`, in seconds. */
export const MAX_WAIT_SECONDS = 60;
/** Default request body limit in bytes (`--max-body`). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const MAX_NAME_LENGTH = 200;
export const MAX_SENDER_LENGTH = 200;
export const MAX_RECIPIENTS = 100;
export const MAX_TYPE_LENGTH = 100;
export const MAX_TOPIC_LENGTH = 1000;
/** Highest loop-guard setting: consecutive agent messages allowed without a human one. */
export const MAX_LOOP_GUARD = 1000;
export const MAX_METADATA_DEPTH = 8;
/** Deepest nesting of a JSON-RPC body (A2A, /mcp): its envelope's levels plus metadata's. Checked before a protocol
 *  SDK walks the body, which recursion thousands of levels deep would overflow. */
export const MAX_RPC_DEPTH = MAX_METADATA_DEPTH + 8;
/** Longest message content, in characters. */
export const MAX_CONTENT_LENGTH = 256 * 1024;
/** Largest metadata object, in bytes of JSON. */
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_BATCH = 1000;
/** Most names with an inbox read cursor in one room (names with an agent key are not refused). */
export const MAX_INBOX_NAMES = 1000;
/** Most rooms one server holds (`--max-rooms`). */
/** Rooms in one page of GET /agent/rooms when no `limit` is given, and the most one page may hold. */
export const ROOMS_DEFAULT_LIMIT = 100;
export const ROOMS_MAX_LIMIT = 1000;
export const DEFAULT_MAX_ROOMS = 10_000;
/** Descriptors the rooms' files may hold at once (`--max-open-files`) where the process's open-file limit cannot be
 *  read: a quarter of the usual `ulimit -n` of 1024, leaving the rest for sockets (every stream and long-poll holds
 *  one) and the program's own files. Otherwise the default is a quarter of the real limit (defaultMaxOpenFiles). */
export const DEFAULT_MAX_OPEN_FILES = 256;
/** A client must send its whole request within this many seconds (`--request-timeout`). */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
