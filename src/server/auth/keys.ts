// Room keys, agent keys and the admin token: 192 random bits, stored only as SHA-256 digests, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KEY_PREFIX as PREFIX, type KeyKind } from '../../api/key-prefixes.js';

export type { KeyKind };

/** Agent keys are looked up even with auth off, so a name stays proven (and a revoked key refused) either way. */
export const AGENT_KEY_PREFIX = PREFIX.agent;

/** A new secret; the prefix tells a person which kind it is. SHA-256 suffices: the secret is random, not a password. */
export function newKey(kind: KeyKind): string {
  return PREFIX[kind] + randomBytes(24).toString('base64url');
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two hex digests without an early exit. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
