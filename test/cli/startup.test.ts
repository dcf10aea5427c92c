// A client command starts fast because dist/cli.js and the chunks it imports statically load no heavy package: agents
// run `send` and `wait` in loops, and zod alone doubled the start (0.20 s against 0.40 s of wall time for --version).
import { readFileSync } from 'node:fs';
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

test('dist/cli.js loads only Node built-ins at start: the server, zod and the protocol SDKs come by import() when a command needs them', () => {
  const loaded = [...staticPackages(join(dist, 'cli.js'))];
  expect(loaded.length).toBeGreaterThan(3);
  const notBuiltIn = loaded.filter((p) => !/^(fs|fs\/promises|path|http|https|child_process|readline|os|process|tty|module|url|events|stream|util|net|crypto|buffer|timers|timers\/promises)$/.test(p));
  expect(notBuiltIn).toEqual([]);
});
