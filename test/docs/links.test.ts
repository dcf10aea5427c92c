// Every relative link in README.md and docs/ reaches a file that exists, and its #anchor a heading of that page; the
// source paths the docs name exist, and the Architecture tree names every folder of src/.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { anchors, codeBlocks, docPages, linkExemptions, readPage, relativeLinks, ROOT } from '../helpers/markdown.js';

describe.each(docPages())('%s', (page) => {
  test('every relative link and anchor resolves', () => {
    const exempt = linkExemptions(page);
    const dead: string[] = [];
    for (const { target, line } of relativeLinks(page)) {
      if (exempt.has(target)) continue;
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (file.startsWith('..') || !existsSync(join(ROOT, file))) dead.push(`${page}:${line}: ${target} (no file ${file})`);
      else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) {
        dead.push(`${page}:${line}: ${target} (no heading with the anchor #${anchor} in ${file})`);
      }
    }
    expect(dead).toEqual([]);
  });
});

test('the anchors are GitHub\'s', () => {
  // The pages link to these headings; GitHub drops punctuation and backticks and keeps letters, digits, _ and -.
  expect(anchors('docs/storage-and-scaling.md')).toContain('several-servers-redis-a-load-balancer-migrate');
  expect(anchors('docs/api.md')).toContain('openapi-and-llmstxt');
  expect(anchors('docs/performance.md')).toContain('100000-rooms-on-the-file-store');
});

describe.each(docPages())('%s', (page) => {
  test('every source path it names in backticks exists', () => {
    const named = [...readPage(page).matchAll(/`((?:src|test|ui|bin)\/[\w./-]*)`/g)].map((m) => m[1]!);
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});

describe('the Architecture tree (docs/architecture.md)', () => {
  const tree = () => {
    const block = codeBlocks('docs/architecture.md').find((b) => b.body.startsWith('bin/'));
    return [...(block?.body ?? '').matchAll(/^(\S+)\s/gm)].map((m) => m[1]!);
  };

  test('names only paths that exist', () => {
    expect(tree().length).toBeGreaterThan(5);
    expect(tree().filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  test('names every folder of src/', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `src/${d.name}/`);
    expect(folders.filter((f) => !tree().includes(f))).toEqual([]);
  });
});
