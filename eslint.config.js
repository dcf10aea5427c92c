// Lint: only the import boundaries (STYLE habit 17: the data flow as a rule), so a wrong-way import fails `npm test`.
import tsParser from '@typescript-eslint/parser';
import importX from 'eslint-plugin-import-x';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** Who may not import whom: `target` files may not import from `from` (paths from the repo root). */
export const zones = [
  {
    target: './src/store',
    from: ['./src/server', './src/cli'],
    message: 'The store knows no HTTP and no CLI: the server calls the store, never the other way.',
  },
  {
    target: './src/store/redis',
    from: './src/store/file',
    message: 'The two stores share only what is in src/store/ (types, room events, ids, redaction): move a shared piece there.',
  },
  {
    target: './src/store/file',
    from: './src/store/redis',
    message: 'The two stores share only what is in src/store/ (types, room events, ids, redaction): move a shared piece there.',
  },
  {
    target: './src/server',
    from: './src/cli',
    message: 'The server decides no CLI matter: the CLI parses flags and calls startServer, never the other way.',
  },
  {
    target: './src/cli',
    from: './src/store',
    message: 'The CLI is a client of the HTTP API: use src/client and the contract in src/api (the server maps store errors).',
  },
  {
    target: './ui',
    from: './src',
    except: ['./client', './api'],
    message: 'The UI talks to the server only through src/client and the contract in src/api.',
  },
  {
    target: './src/client',
    from: ['./src/server', './src/store'],
    message: 'The client speaks HTTP only: it may share src/api with the server, nothing else.',
  },
  {
    target: ['./src/mcp', './src/a2a', './src/webhooks'],
    from: './src/server',
    message: 'Adapters are mounted by the server (src/server/routes) and handed what they need; they import none of it.',
  },
];

/** The redis package (and node-redis's @redis/* parts) is imported only under src/store/redis/, so Redis code has one
 *  home and a file-store server never loads it. */
const redisMessage = 'Redis code lives in src/store/redis/ only: ask its fleet (openRedisFleet) or add the code there.';
const redisPackage = /^(redis|@redis\/.*)$/;

export default [
  {
    files: ['src/**/*.ts', 'ui/src/**/*.ts'],
    languageOptions: { parser: tsParser },
    plugins: { 'import-x': importX },
    settings: {
      // Source imports say `./x.js` for `x.ts` (NodeNext), so the resolver tries .ts first.
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
    },
  },
  {
    files: ['src/**/*.ts', 'ui/src/**/*.ts'],
    ignores: ['src/store/redis/**'],
    languageOptions: { parser: tsParser },
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'redis', message: redisMessage }], patterns: [{ group: ['@redis/*'], message: redisMessage }] }],
      // no-restricted-imports does not look at import(): the same rule for a dynamic import of the package.
      'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=${redisPackage}]`, message: redisMessage }],
    },
  },
];
