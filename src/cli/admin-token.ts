// Decides whether auth is on and with which admin token: given, stored from an earlier start, or made and shown once.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashKey, newKey } from '../server/auth/keys.js';
import { CliError } from './io.js';

export interface AdminToken {
  /** SHA-256 digest; auth is off when absent. */
  hash?: string;
  /** A token made just now: print it once, it is not stored anywhere in clear. */
  created?: string;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const FILE = 'admin-token.sha256';

export async function resolveAdminToken(dataDir: string, host: string, given: string | undefined): Promise<AdminToken> {
  const file = join(dataDir, FILE);
  if (given !== undefined) {
    if (given.length < 16 || !/^[\w-]+$/.test(given)) {
      throw new CliError('--token must be at least 16 letters, digits, "-" or "_" (or leave it out off loopback to get one made for you).', 2);
    }
    return { hash: hashKey(given) };
  }
  if (isLoopback(host)) return {};
  const stored = await readFile(file, 'utf8').then((s) => s.trim(), () => undefined);
  if (stored && /^[0-9a-f]{64}$/.test(stored)) return { hash: stored };
  const created = newKey('admin');
  const hash = hashKey(created);
  await writeFile(`${file}.tmp`, `${hash}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return { hash, created };
}
