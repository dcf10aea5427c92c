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

  test("other servers' views merge in: any listener listens, within grace too; the latest times win", () => {
    const p = new Presence(60_000);
    p.seen('r', 'ann');
    const t = (iso: string) => Date.parse(iso);
    const remote = [
      { name: 'ann', listeners: 0, lastSeenAt: t('2020-01-01T00:00:00Z'), lastPostAt: t('2021-01-01T00:00:00Z') },
      { name: 'bob', listeners: 1, lastSeenAt: t('2020-01-01T00:00:00Z') },
      { name: 'cy', listeners: 0, quietSince: Date.now() - 1000, lastSeenAt: t('2022-01-01T00:00:00Z') },
      { name: 'dee', listeners: 0, quietSince: Date.now() - 120_000, lastSeenAt: t('2023-01-01T00:00:00Z') },
    ];
    const list = p.list('r', new Map([['dee', '2024-01-01T00:00:00.000Z']]), remote);
    const by = Object.fromEntries(list.map((e) => [e.name, e]));
    expect(by.ann).toMatchObject({ listening: false, lastPostAt: '2021-01-01T00:00:00.000Z' });
    expect(Date.parse(by.ann!.lastSeenAt!)).toBeGreaterThan(t('2025-01-01T00:00:00Z')); // this server saw ann just now
    expect(by.bob!.listening).toBe(true);
    expect(Date.parse(by.bob!.lastSeenAt!)).toBeGreaterThan(t('2025-01-01T00:00:00Z')); // now, while it listens
    expect(by.cy).toMatchObject({ listening: true, lastSeenAt: '2022-01-01T00:00:00.000Z' });
    expect(by.dee).toMatchObject({ listening: false, lastSeenAt: '2024-01-01T00:00:00.000Z', lastPostAt: '2024-01-01T00:00:00.000Z' });
    expect(list.slice(0, 2).map((e) => e.name).sort()).toEqual(['bob', 'cy']);
  });
});
