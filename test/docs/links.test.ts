// Every relative link in README.md and docs/ reaches a file that exists, and its #anchor a heading of that page.
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { anchors, docPages, linkExemptions, relativeLinks, ROOT } from '../helpers/markdown.js';

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
