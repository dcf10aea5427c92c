// When auth turns on, and the admin token that is made once, shown once and stored only as a digest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isLoopback, resolveAdminToken } from '../../src/cli/admin-token.js';
import { hashKey } from '../../src/server/auth/keys.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('admin token', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['192.168.1.10', false],
    ['::', false],
  ])('%s is loopback: %s', (host, loopback) => expect(isLoopback(host)).toBe(loopback));

  test('on loopback without --token, auth is off', async () => {
    expect(await resolveAdminToken(await tempDir(), '127.0.0.1', undefined)).toEqual({});
  });

  test('--token turns auth on, also on loopback', async () => {
    const token = 'my-own-admin-token-123';
    expect(await resolveAdminToken(await tempDir(), '127.0.0.1', token)).toEqual({ hash: hashKey(token) });
  });

  test('off loopback without --token, one is made, stored hashed, and not made again', async () => {
    const dir = await tempDir();
    const first = await resolveAdminToken(dir, '0.0.0.0', undefined);
    expect(first.created).toMatch(/^ima_[\w-]{32}$/);
    expect(first.hash).toBe(hashKey(first.created!));
    const stored = await readFile(join(dir, 'admin-token.sha256'), 'utf8');
    expect(stored.trim()).toBe(first.hash);
    expect(stored).not.toContain(first.created);
    expect(await resolveAdminToken(dir, '0.0.0.0', undefined)).toEqual({ hash: first.hash });
  });

  test('a short token is refused with a usage error', async () => {
    await expect(resolveAdminToken(await tempDir(), '127.0.0.1', 'short')).rejects.toThrow(/at least 16/);
  });
});
