// The import boundaries in eslint.config.js catch a wrong-way import: each rule gets a planted one (a virtual file
// inside the repo, linted with ESLint's Node API, so nothing is written), and the allowed ways still pass.
import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

/** The boundary errors for `code` as if it were the file at `file` (repo-relative): "rule: message" per message. */
async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

// Each import names a real file: an import that does not resolve is not checked, so a typo here would pass silently.
describe('a forbidden import fails lint', () => {
  test.each([
    ['store -> server', 'src/store/planted.ts', "import { createApp } from '../server/app.js';", /The store knows no HTTP/],
    ['store (redis) -> CLI', 'src/store/redis/planted.ts', "import { CliError } from '../../cli/io.js';", /The store knows no HTTP and no CLI/],
    ['Redis store -> file store', 'src/store/redis/planted.ts', "import { RoomLog } from '../file/room-log.js';", /The two stores share only/],
    ['file store -> Redis store', 'src/store/file/planted.ts', "import { RedisStore } from '../redis/redis-store.js';", /The two stores share only/],
    ['server -> CLI', 'src/server/routes/planted.ts', "import { CliError } from '../../cli/io.js';", /The server decides no CLI matter/],
    ['CLI -> store', 'src/cli/commands/planted.ts', "import { StoreError } from '../../store/errors.js';", /The CLI is a client/],
    ['UI -> server', 'ui/src/planted.ts', "import { createApp } from '../../src/server/app.js';", /The UI talks to the server only through/],
    ['UI -> store', 'ui/src/planted.ts', "import { pickPage } from '../../src/store/room-order.js';", /The UI talks to the server only through/],
    ['client -> server', 'src/client/planted.ts', "import { HttpError } from '../server/errors.js';", /The client speaks HTTP only/],
    ['client -> store', 'src/client/planted.ts', "import type { Store } from '../store/store.js';", /The client speaks HTTP only/],
    ['webhooks -> server', 'src/webhooks/planted.ts', "import { HttpError } from '../server/errors.js';", /Adapters are mounted by the server/],
    ['A2A -> server', 'src/a2a/planted.ts', "import type { ServerDeps } from '../server/context.js';", /Adapters are mounted by the server/],
    ['MCP -> server', 'src/mcp/planted.ts', "import { mcpRoutes } from '../server/routes/mcp.js';", /Adapters are mounted by the server/],
    ['MCP -> server, by a dynamic import', 'src/mcp/planted.ts', "export const load = () => import('../server/app.js');", /Adapters are mounted by the server/],
  ])('%s', async (_name, file, code, message) => {
    const errors = await lint(file, `${code}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^import-x\/no-restricted-paths: Unexpected path/);
    expect(errors[0]).toMatch(message);
  });
});

// The redis package has one home, src/store/redis/: static, type-only, re-exported and dynamic imports all fail outside it.
describe('importing the redis package outside src/store/redis/ fails lint', () => {
  test.each([
    ['server', 'src/server/planted.ts', "import { createClient } from 'redis';", 'no-restricted-imports'],
    ['server, type only', 'src/server/planted.ts', "import type { RedisClientType } from 'redis';", 'no-restricted-imports'],
    ['store, beside redis/', 'src/store/planted.ts', "import { createClient } from 'redis';", 'no-restricted-imports'],
    ['webhooks, a part of node-redis', 'src/webhooks/planted.ts', "import { createClient } from '@redis/client';", 'no-restricted-imports'],
    ['A2A, re-exported', 'src/a2a/planted.ts', "export { createClient } from 'redis';", 'no-restricted-imports'],
    ['server, by a dynamic import', 'src/server/planted.ts', "export const load = () => import('redis');", 'no-restricted-syntax'],
  ])('%s', async (_name, file, code, rule) => {
    const errors = await lint(file, `${code}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${rule}: .*Redis code lives in src/store/redis/ only`));
  });
});

describe('the allowed ways pass', () => {
  test.each([
    ['UI -> client and contract', 'ui/src/planted.ts', "import type { Client } from '../../src/client/client.js';\nimport { compareRooms } from '../../src/api/room-order.js';"],
    ['CLI -> client, contract and the server it starts', 'src/cli/commands/planted.ts', "import { Client } from '../../client/client.js';\nimport { isRedisUrl } from '../../api/store-url.js';\nimport { startServer } from '../../server/start.js';"],
    ['server -> store and adapters', 'src/server/routes/planted.ts', "import { StoreError } from '../../store/errors.js';\nimport { Webhooks } from '../../webhooks/webhooks.js';"],
    ['adapter -> client and store', 'src/webhooks/planted.ts', "import type { Store } from '../store/store.js';\nimport { Client } from '../client/client.js';"],
    ['store -> contract', 'src/store/planted.ts', "import { compareRooms } from '../api/room-order.js';"],
    ['store/redis -> the redis package', 'src/store/redis/planted.ts', "import { createClient } from 'redis';\nexport const load = () => import('redis');"],
    ['server -> the Redis fleet, dynamically', 'src/server/planted.ts', "export const load = () => import('../store/redis/fleet.js');"],
  ])('%s', async (_name, file, code) => {
    expect(await lint(file, `${code}\n`)).toEqual([]);
  });
});
