// Turns the Authorization header into a Principal. With auth off, every request acts as the admin, except one that
// shows an agent key: it acts as that agent, so its name is proven (and a revoked agent key refused) either way.
import type { RoomStorage } from '../../store/store.js';
import { ADMIN, type Principal } from '../auth/principal.js';
import { AGENT_KEY_PREFIX, hashKey, sameDigest } from '../auth/keys.js';
import { HttpError } from '../errors.js';

export interface AuthConfig {
  /** SHA-256 hex digest of the admin token. Auth is on exactly when this is set. */
  adminTokenHash?: string;
}

export interface Authenticated {
  principal: Principal;
  /** Set when a key was given: streams and caps count the key, not the address. */
  keyId?: string;
}

const ANONYMOUS: Authenticated = { principal: { kind: 'anonymous' } };
const AS_ADMIN: Authenticated = { principal: ADMIN };

/** What a key's header comes to before its owner is looked up: the digest, and whether it is the admin token. */
interface KeySeen {
  header: string;
  digest: string;
  keyId: string;
  admin: boolean;
  /** An agent key's prefix. */
  agent: boolean;
}

/** The last key seen on a connection (a keep-alive client sends the same one with every request). */
const LAST_KEY = Symbol('lastKey');
type Connection = { [LAST_KEY]?: KeySeen };

/** `connection`, when given, remembers the last key's digest: hashing it and comparing it with the admin token's
 *  were most of what a key cost a send. The owner is still looked up every time, so a revoked key is refused on its
 *  next request. */
export async function authenticate(store: RoomStorage, auth: AuthConfig, header: string | undefined, connection?: object): Promise<Authenticated> {
  if (!auth.adminTokenHash) return header?.includes(AGENT_KEY_PREFIX) ? asAgent(store, header, connection) : AS_ADMIN;
  if (header === undefined) return ANONYMOUS;
  const seen = keySeen(header, auth.adminTokenHash, connection);
  if (!seen) throw new HttpError(401, 'invalid_authorization', 'The Authorization header must be "Bearer KEY".');
  const { digest, keyId } = seen;
  if (seen.admin) return { principal: ADMIN, keyId };
  const owner = await store.findKey(digest);
  if (!owner) throw new HttpError(401, 'invalid_key', 'This key is not valid on this server.');
  return { principal: { kind: 'room', ...owner }, keyId };
}

const bearer = (header: string): string | undefined => /^Bearer +([\w-]{1,200})$/i.exec(header.trim())?.[1];

/** The header's key digested (undefined when it is not "Bearer KEY"), or what `connection` remembers of it. */
function keySeen(header: string, adminTokenHash: string | undefined, connection: object | undefined): KeySeen | undefined {
  const last = (connection as Connection | undefined)?.[LAST_KEY];
  if (last?.header === header) return last;
  const token = bearer(header);
  if (!token) return undefined;
  const digest = hashKey(token);
  const seen = { header, digest, keyId: `key:${digest.slice(0, 16)}`, admin: adminTokenHash !== undefined && sameDigest(digest, adminTokenHash), agent: token.startsWith(AGENT_KEY_PREFIX) };
  if (connection) (connection as Connection)[LAST_KEY] = seen;
  return seen;
}

/** With auth off: an agent key names its agent; an unknown or revoked one is refused; any other header is ignored. */
async function asAgent(store: RoomStorage, header: string, connection: object | undefined): Promise<Authenticated> {
  const seen = keySeen(header, undefined, connection);
  if (!seen?.agent) return AS_ADMIN;
  const owner = await store.findKey(seen.digest);
  if (!owner?.agent) throw new HttpError(401, 'invalid_key', 'This agent key is not valid on this server (it may have been revoked).');
  return { principal: { kind: 'room', ...owner }, keyId: seen.keyId };
}
