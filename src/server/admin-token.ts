// Decides whether auth is on and with which admin token: given, stored from an earlier start, or made and shown once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { hashKey, newKey } from './auth/keys.js';
import { isLoopbackName } from './gate/host-origin.js';

export interface AdminToken {
  /** SHA-256 digest; auth is off when absent. */
  hash?: string;
  /** A token made just now: print it once, it is not stored anywhere in clear. */
  created?: string;
  /** Where the digest of a made token lives (delete it and restart to get a new token). */
  file: string;
  /** Stores a made token's digest. Called only once the server listens, so a start that fails leaves no token
   *  nobody saw behind. */
  keep(): Promise<void>;
}

/** A bad --token: the caller shows it as a usage error. */
export class TokenError extends Error {
  override name = 'TokenError';
}

export const ADMIN_TOKEN_FILE = 'admin-token.sha256';

/** Auth is on with a given token, and off loopback always (with a token stored earlier or made now). */
export async function decideAdminToken(dataDir: string, host: string, given: string | undefined): Promise<AdminToken> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  const done = { file, keep: async () => {} };
  if (given !== undefined) {
    if (given.length < 16 || !/^[\w-]+$/.test(given)) {
      throw new TokenError('--token must be at least 16 letters, digits, "-" or "_" (or leave it out off loopback to get one made for you).');
    }
    return { ...done, hash: hashKey(given) };
  }
  if (isLoopbackName(host)) return done;
  const stored = await readFile(file, 'utf8').then((s) => s.trim(), () => undefined);
  if (stored && /^[0-9a-f]{64}$/.test(stored)) return { ...done, hash: stored };
  const created = newKey('admin');
  const hash = hashKey(created);
  const keep = async () => {
    await writeFileAtomic(file, `${hash}\n`, { mode: 0o600 });
  };
  return { hash, created, file, keep };
}
