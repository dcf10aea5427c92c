// Generators accept the served document: openapi-typescript turns it into types, a small openapi-fetch program
// type-checks against them (strict), and runs against a real server on 127.0.0.1.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConfig } from '@redocly/openapi-core';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterEach, expect, test } from 'vitest';
import { listen, type Listening } from '../../src/server/listen.js';
import { testApp } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The client program a user would write: create a room, post, long-poll history, and read a typed error. */
const PROGRAM = `
import type createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Message = components['schemas']['Message'];

export async function run(create: typeof createClient, baseUrl: string): Promise<{ messages: Message[]; missing: string }> {
  const api = create<paths>({ baseUrl });
  const { data: room, error } = await api.POST('/agent/rooms', { body: { name: 'typed' } });
  if (error) throw new Error(error.error.message);
  const id: string = room.roomId;
  const sent = await api.POST('/agent/rooms/{id}/messages', { params: { path: { id } }, body: { sender: 'a', content: 'hi', to: ['b'] } });
  if (sent.error) throw new Error(sent.error.error.message);
  const history = await api.GET('/agent/rooms/{id}/history', { params: { path: { id }, query: { after: 0, wait: 1, from: 'a' } } });
  if (!history.data) throw new Error('no history');
  const gone = await api.GET('/agent/rooms/{id}', { params: { path: { id: 'nosuchroom' } } });
  // The error codes are typed: those the route documents, and no others.
  type Code = NonNullable<typeof gone.error>['error']['code'];
  const code: Code | undefined = gone.error?.error.code;
  // @ts-expect-error not a code of this route
  const teapot: Code = 'teapot';
  void teapot;
  // @ts-expect-error the JSON-RPC endpoints are left out of the generated types (never called: types only)
  const rpc = () => api.POST('/mcp', { body: {} });
  void rpc;
  return { messages: history.data.messages, missing: code ?? 'none' };
}
`;

let last: ts.Program | undefined;

/** The strict compiler's complaints about dir/program.ts (the second check reuses the first's parsed libraries). */
function typeErrors(dir: string): string[] {
  const require = createRequire(import.meta.url);
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    // The program lives in a temp dir, outside this package's node_modules.
    paths: { 'openapi-fetch': [join(dirname(require.resolve('openapi-fetch/package.json')), 'dist/index.d.mts')] },
  };
  const program = (last = ts.createProgram([join(dir, 'program.ts')], options, undefined, last));
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName.slice(dir.length) ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

test('openapi-typescript generates types that an openapi-fetch program type-checks against and runs with', async () => {
  const { app } = await testApp();
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  servers.push(server);
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];

  // Redocly's remove-x-internal decorator is how openapi-typescript users leave out x-internal operations.
  const redocly = await createConfig({ decorators: { 'remove-x-internal': 'on' } });
  const types = astToString(await openapiTS(doc, { redocly }));
  expect(types).toContain('"/agent/rooms/{id}/messages"');
  expect(types).toContain('Message: {');
  expect(types).not.toContain('"/mcp"');

  const dir = await tempDir();
  await writeFile(join(dir, 'api.ts'), types);
  await writeFile(join(dir, 'program.ts'), PROGRAM);
  expect(typeErrors(dir)).toEqual([]);

  // The check can fail: a message without its content is a type error.
  await writeFile(join(dir, 'program.ts'), PROGRAM.replace("content: 'hi', ", ''));
  expect(typeErrors(dir).join('\n')).toMatch(/content/);

  const js = ts.transpileModule(PROGRAM, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  await writeFile(join(dir, 'program.mjs'), js);
  const { run } = (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'program.mjs')).href)) as {
    run: (create: typeof createClient, baseUrl: string) => Promise<{ messages: { sender: string; content: string }[]; missing: string }>;
  };
  const result = await run(createClient, server.url);
  expect(result.messages.map((m) => [m.sender, m.content])).toEqual([['a', 'hi']]);
  expect(result.missing).toBe('room_not_found');
}, 120_000);
