// --store / IM_STORE at the CLI: a value that is not a Redis URL is a usage error; a Redis nobody answers on stops
// the start with one line (password hidden); IM_STORE alone is enough to start on Redis.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { hasRedis, startRedis } from '../helpers/redis-server.js';
import { BIN, startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const serve = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--no-open', ...args], { env: { ...process.env, CI: '1', ...env }, encoding: 'utf8', timeout: 60_000 });

describe('--store', () => {
  test.each([
    [['--store', '/var/lib/im'], {}],
    [[], { IM_STORE: 'localhost:6379' }],
  ])('%j %j: not a Redis URL is a usage error (exit 2) saying what it takes', async (args, env) => {
    const run = serve(['--data', await tempDir(), ...args], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--store takes a Redis URL, redis:\/\/\[user:pass@\]HOST:PORT\[\/DB\]/);
  });

  test('a Redis that does not answer: exit 1 with one line naming it, password hidden', async () => {
    const run = serve(['--data', await tempDir(), '--store', 'redis://:hunter2@127.0.0.1:1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Could not connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(run.stderr).not.toContain('hunter2');
  });

  test.skipIf(!hasRedis)('IM_STORE alone starts a server on that Redis, which serves and stops cleanly', async () => {
    const redis = await startRedis();
    const server = await startServer(await tempDir(), [], { IM_STORE: redis.url });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${server.url}/agent/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"r"}' });
    expect(created.status).toBe(201);
    expect(await server.stop()).toBe(0);
  });
});
