// When auth turns on, and the admin token that is made once, shown once and stored only as a digest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decideAdminToken } from '../../src/server/admin-token.js';
import { isLoopbackName } from '../../src/server/gate/host-origin.js';
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
    ['[::1]', true],
    ['app.localhost', true],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s is loopback: %s', (host, loopback) => expect(isLoopbackName(host)).toBe(loopback));

  test('on loopback without --token, auth is off', async () => {
    expect((await decideAdminToken(await tempDir(), '127.0.0.1', undefined)).hash).toBeUndefined();
  });

  test('--token turns auth on, also on loopback', async () => {
    const token = 'my-own-admin-token-123';
    expect((await decideAdminToken(await tempDir(), '127.0.0.1', token)).hash).toBe(hashKey(token));
  });

  test('off loopback without --token, one is made, stored hashed, and not made again', async () => {
    const dir = await tempDir();
    const first = await decideAdminToken(dir, '0.0.0.0', undefined);
    expect(first.created).toMatch(/^ima_[\w-]{32}$/);
    expect(first.hash).toBe(hashKey(first.created!));
    // Nothing is stored until the server listens and calls keep().
    await expect(readFile(join(dir, 'admin-token.sha256'), 'utf8')).rejects.toThrow(/ENOENT/);
    await first.keep();
    const stored = await readFile(join(dir, 'admin-token.sha256'), 'utf8');
    expect(stored.trim()).toBe(first.hash);
    expect(stored).not.toContain(first.created);
    const second = await decideAdminToken(dir, '0.0.0.0', undefined);
    expect(second.hash).toBe(first.hash);
    expect(second.created).toBeUndefined();
  });

  test('a short token is refused with a usage error', async () => {
    await expect(decideAdminToken(await tempDir(), '127.0.0.1', 'short')).rejects.toThrow(/at least 16/);
  });
});
