// The in-memory presence registry: listening counts and grace, what posts keep, the per-room name cap, forgetting.
import { describe, expect, test } from 'vitest';
import { MAX_PRESENCE_NAMES, Presence } from '../../src/server/presence.js';

const names = (p: Presence, room = 'r') => p.list(room).map((e) => e.name);

describe('Presence', () => {
  test('a name listens while any of its listeners is open (each release counts once), then not (no grace)', () => {
    const p = new Presence(0);
    const a = p.listen('r', 'ann');
    const b = p.listen('r', 'ann');
    a();
    a();
    expect(p.list('r')).toMatchObject([{ name: 'ann', listening: true }]);
    b();
    expect(p.list('r')).toMatchObject([{ name: 'ann', listening: false, lastSeenAt: expect.any(String), lastPostAt: null }]);
  });

  test('within the grace time a name between two long-polls still listens', () => {
    const p = new Presence(60_000);
    p.listen('r', 'ann')();
    expect(p.list('r')).toMatchObject([{ name: 'ann', listening: true }]);
  });

  test('posts are kept only in rooms with named activity; others come from the log (list\'s others)', () => {
    const p = new Presence(0);
    p.posted('quiet', 'bob');
    expect(p.list('quiet')).toEqual([]);
    expect(p.list('quiet', new Map([['bob', '2026-01-01T00:00:00.000Z']]))).toEqual([
      { name: 'bob', listening: false, lastSeenAt: '2026-01-01T00:00:00.000Z', lastPostAt: '2026-01-01T00:00:00.000Z' },
    ]);
    p.seen('r', 'ann');
    p.posted('r', 'bob');
    expect(p.list('r').find((e) => e.name === 'bob')).toMatchObject({ lastPostAt: expect.any(String), lastSeenAt: expect.any(String) });
  });

  test(`past ${MAX_PRESENCE_NAMES} names a room forgets the one seen longest ago that is not listening; forget drops a room`, () => {
    const p = new Presence(0);
    p.listen('r', 'keeper');
    for (let i = 0; i < MAX_PRESENCE_NAMES + 5; i++) p.seen('r', `n${i}`);
    const kept = names(p);
    expect(kept).toHaveLength(MAX_PRESENCE_NAMES);
    expect(kept).toContain('keeper');
    expect(kept).toContain(`n${MAX_PRESENCE_NAMES + 4}`);
    p.forget('r');
    expect(names(p)).toEqual([]);
  });
});
