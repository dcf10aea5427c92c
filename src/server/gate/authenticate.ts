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

export async function authenticate(store: RoomStorage, auth: AuthConfig, header: string | undefined): Promise<Authenticated> {
  if (!auth.adminTokenHash) return header?.includes(AGENT_KEY_PREFIX) ? asAgent(store, header) : AS_ADMIN;
  if (header === undefined) return ANONYMOUS;
  const token = bearer(header);
  if (!token) throw new HttpError(401, 'invalid_authorization', 'The Authorization header must be "Bearer KEY".');
  const digest = hashKey(token);
  const keyId = `key:${digest.slice(0, 16)}`;
  if (sameDigest(digest, auth.adminTokenHash)) return { principal: ADMIN, keyId };
  const owner = await store.findKey(digest);
  if (!owner) throw new HttpError(401, 'invalid_key', 'This key is not valid on this server.');
  return { principal: { kind: 'room', ...owner }, keyId };
}

const bearer = (header: string): string | undefined => /^Bearer +([\w-]{1,200})$/i.exec(header.trim())?.[1];

/** With auth off: an agent key names its agent; an unknown or revoked one is refused; any other header is ignored. */
async function asAgent(store: RoomStorage, header: string): Promise<Authenticated> {
  const token = bearer(header);
  if (!token?.startsWith(AGENT_KEY_PREFIX)) return AS_ADMIN;
  const digest = hashKey(token);
  const owner = await store.findKey(digest);
  if (!owner?.agent) throw new HttpError(401, 'invalid_key', 'This agent key is not valid on this server (it may have been revoked).');
  return { principal: { kind: 'room', ...owner }, keyId: `key:${digest.slice(0, 16)}` };
}
