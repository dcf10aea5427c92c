// pickPage against a plain sort: the same rooms in the same order, for small pages (selection) and large ones (sort).
import { describe, expect, test } from 'vitest';
import type { Room } from '../../src/api/types.js';
import { compareRooms } from '../../src/api/room-order.js';
import { pickPage } from '../../src/store/room-order.js';

function rooms(n: number): Room[] {
  // Few distinct times, so ties on activity and creation are common and the id decides.
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i % 7)).toISOString();
  return Array.from({ length: n }, (_, i) => ({
    id: `room${String((i * 7919) % n).padStart(6, '0')}`,
    name: `r${i}`,
    createdAt: at(i * 3),
    lastActivityAt: at(i * 5),
    messageCount: 0,
    lastSeq: 0,
  }));
}

describe('pickPage', () => {
  test.each([1, 7, 100, 1000, 1001, 5000])('pages of %i walk the whole list in sorted order', (limit) => {
    const all = rooms(3000);
    const sorted = [...all].sort(compareRooms);
    const walked: Room[] = [];
    for (let after: Room | undefined; ; ) {
      const page = pickPage(all, { limit, ...(after && { after }) }, (r) => r, (r) => r);
      walked.push(...page);
      if (page.length < limit) break;
      after = page.at(-1);
    }
    expect(walked.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
  });
});
