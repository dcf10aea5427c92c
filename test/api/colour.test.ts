// The sender colour hash: stable across releases (values checked against Java's String.hashCode), and the base of both the UI's hue and the CLI's colour.
import { describe, expect, test } from 'vitest';
import { Chalk } from 'chalk';
import { senderHash } from '../../src/api/colour.js';
import { formatMessage } from '../../src/cli/format.js';
import { senderHue } from '../../ui/src/dom.js';

describe('sender colours', () => {
  test.each([
    ['', 0],
    ['a', 97],
    ['planner', 3_801_080_274],
    ['reviewer', 4_033_777_157],
  ])('senderHash(%j) is %i', (name, hash) => {
    expect(senderHash(name)).toBe(hash);
  });

  test('the UI hue and the CLI colour both come from it', () => {
    const c = new Chalk({ level: 1 });
    const codes = ['36', '35', '33', '32', '34', '31']; // cyan, magenta, yellow, green, blue, red
    for (const name of ['planner', 'reviewer', 'coder', 'human', 'agent-7']) {
      expect(senderHue(name)).toBe(senderHash(name) % 360);
      const line = formatMessage({ id: 'x', seq: 1, roomId: 'r', sender: name, content: 'hi', createdAt: '2026-01-01T00:00:00.000Z' }, c);
      expect(line).toContain(`\u001b[${codes[senderHash(name) % codes.length]}m`);
    }
  });
});
