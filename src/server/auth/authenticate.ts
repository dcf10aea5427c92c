// Turns the Authorization header into a Principal. With auth off, every request acts as the admin.
import type { MiddlewareHandler } from 'hono';
import type { Store } from '../../store/store.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { ADMIN } from './principal.js';
import { hashKey, sameDigest } from './keys.js';

export interface AuthConfig {
  /** SHA-256 hex digest of the admin token. Auth is on exactly when this is set. */
  adminTokenHash?: string;
}

export function authenticate(store: Store, auth: AuthConfig): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!auth.adminTokenHash) {
      c.set('principal', ADMIN);
      return next();
    }
    const header = c.req.header('authorization');
    if (header === undefined) {
      c.set('principal', { kind: 'anonymous' });
      return next();
    }
    const token = /^Bearer +([\w-]{1,200})$/i.exec(header.trim())?.[1];
    if (!token) throw new HttpError(401, 'invalid_authorization', 'The Authorization header must be "Bearer KEY".');
    const digest = hashKey(token);
    c.set('clientId', `key:${digest.slice(0, 16)}`);
    if (sameDigest(digest, auth.adminTokenHash)) {
      c.set('principal', ADMIN);
      return next();
    }
    const owner = await store.findKey(digest);
    if (!owner) throw new HttpError(401, 'invalid_key', 'This key is not valid on this server.');
    c.set('principal', { kind: 'room', ...owner });
    return next();
  };
}
