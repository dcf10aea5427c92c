// A client command starts fast because dist/cli.js and the chunks it imports statically load no heavy package: agents
// run `send` and `wait` in loops, and zod alone doubled the start (0.20 s against 0.40 s of wall time for --version).
// The server, started by tests and by users' scripts, leaves the protocol SDKs to the first request that needs them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';

const dist = join(import.meta.dirname, '../../dist');

/** Every package a file imports statically, following the relative imports (chunks) it loads at once. */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // `import ... from "x"` and `export ... from "x"`, not `import("x")`, which loads only when a command runs.
    for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^;(]*?\bfrom\s*["']([^"']+)["']/gm)) {
      if (spec!.startsWith('.')) visit(join(dirname(file), spec!));
      else packages.add(spec!.replace(/^node:/, ''));
    }
    for (const [, spec] of text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) {
      if (spec!.startsWith('.')) visit(join(dirname(file), spec!));
      else packages.add(spec!);
    }
  };
  visit(entry);
  return packages;
}

const notBuiltIn = (p: string): boolean =>
  !/^(fs|fs\/promises|path|http|http2|https|child_process|readline|os|process|tty|module|url|events|stream|util|net|dns|crypto|buffer|timers|timers\/promises)$/.test(p);

test('dist/cli.js loads only Node built-ins at start: the server, zod and the protocol SDKs come by import() when a command needs them', () => {
  const loaded = [...staticPackages(join(dist, 'cli.js'))];
  expect(loaded.length).toBeGreaterThan(3);
  expect(loaded.filter(notBuiltIn)).toEqual([]);
});

test('the server starts without the A2A and MCP SDKs or the Redis client: each loads on first use', () => {
  const serve = readdirSync(dist).find((f) => /^serve-[\w-]+\.js$/.test(f));
  expect(serve, 'dist/serve-*.js, the chunk of the serve command').toBeDefined();
  const loaded = [...staticPackages(join(dist, serve!))];
  // What a server needs for every request (hono, its Node adapter, zod, lowdb) is bundled into the chunk: a start read
  // no package's files (0.34 s of CPU against 0.62 s when they were loaded from node_modules, about 200 files).
  expect(loaded).toEqual(expect.arrayContaining(['http', 'net']));
  // So the A2A SDK (with jose, about 50 files: 0.8 s of start-up CPU against 0.6 s), the MCP SDK and the Redis client,
  // which stay packages, load only on first use.
  expect(loaded.filter(notBuiltIn)).toEqual([]);
});
