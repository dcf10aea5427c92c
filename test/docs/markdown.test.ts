// The docs tests' reading of Markdown: shell blocks split into commands as bash would, and the docs-test markers.
import { describe, expect, test } from 'vitest';
import { numbersIn, parseMarker, shellCommands } from '../helpers/markdown.js';

describe('shellCommands', () => {
  test.each([
    ['one command a line', 'curl a\ncurl b', ['curl a', 'curl b']],
    ['a backslash continues', 'curl a \\\n  -d x\ncurl b', ['curl a \\\n  -d x', 'curl b']],
    ['a quote spans lines', "curl -d '{\"a\":1,\n  \"b\":2}'\ncurl b", ["curl -d '{\"a\":1,\n  \"b\":2}'", 'curl b']],
    ["a comment's quote does not open one", "curl a   # the room's id\ncurl b", ["curl a   # the room's id", 'curl b']],
    ['comment-only and blank lines are no commands', '# Claude Code\n\ncurl a\n# {"x": "y"}', ['curl a']],
    ['a # inside a word or quotes is no comment', "echo a#b 'c # d'\ncurl b", ["echo a#b 'c # d'", 'curl b']],
  ])('%s', (_, body, expected) => {
    expect(shellCommands(body).map((c) => c.text)).toEqual(expected);
  });

  test('each command knows its first line', () => {
    expect(shellCommands('# x\ncurl a \\\n  -d 1\n\ncurl b').map((c) => c.line)).toEqual([1, 4]);
  });
});

describe('parseMarker', () => {
  test('reads every directive', () => {
    expect(parseMarker('fresh; exit 2 "room delete"; skip "serve" (binds every address)')).toEqual({
      script: false,
      fresh: true,
      skipCommands: [{ text: 'serve', reason: 'binds every address' }],
      exitCodes: [{ text: 'room delete', code: 2 }],
    });
    expect(parseMarker('skip (needs Redis)').skip).toBe('needs Redis');
    expect(parseMarker('script').script).toBe(true);
  });

  test('an unknown directive is an error, not a block run as if unmarked', () => {
    expect(() => parseMarker('skipp (typo)')).toThrow('unknown docs-test directive: "skipp (typo)"');
  });
});

test.each([
  ['1,000 (default 100)', [1000, 100]],
  ['about 1 MiB', [1]],
  ['the latest 1,000 A2A sends; a 2xx', [1000]],
  ['10,000 (see [x](performance.md#100000-rooms))', [10000]],
])('numbersIn(%s)', (text, expected) => {
  expect(numbersIn(text)).toEqual(expected);
});
