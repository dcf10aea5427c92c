// RoomEvents, the one home of a room's listeners: each kind heard in order, a throwing listener warned about and
// passed over, delete heard once, and `whenIdle` when the last listener leaves.
import { describe, expect, test, vi } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { RoomEvents } from '../../src/store/room-events.js';

const message = (seq: number) => ({ id: `m${seq}`, roomId: 'r1', seq, sender: 's', content: 'x', createdAt: '2026-01-01T00:00:00.000Z' }) as Message;

describe('RoomEvents', () => {
  test.each(['subscribe', 'onRedact', 'onDelete'] as const)('%s: a listener that throws is named in a warning; the others still hear it', (kind) => {
    const warnings: string[] = [];
    const events = new RoomEvents('r1', (m) => warnings.push(m));
    const heard: string[] = [];
    events[kind](() => {
      throw new Error('listener bug');
    });
    events[kind](() => void heard.push('second'));
    if (kind === 'subscribe') events.messages([message(1)]);
    else if (kind === 'onRedact') events.redacted(message(1));
    else events.deleted();
    expect(heard).toEqual(['second']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^a (subscriber|redaction listener|delete listener) of room r1 failed: Error: listener bug/);
  });

  test('each listener hears only its kind, and nothing after it unsubscribed', () => {
    const events = new RoomEvents('r1', () => {});
    const batches: number[][] = [];
    const redacted: number[] = [];
    const offMessages = events.subscribe((ms) => void batches.push(ms.map((m) => m.seq)));
    events.onRedact((m) => void redacted.push(m.seq));
    events.messages([message(1), message(2)]);
    events.redacted(message(1));
    offMessages();
    events.messages([message(3)]);
    expect(batches).toEqual([[1, 2]]);
    expect(redacted).toEqual([1]);
  });

  test('deleted tells delete listeners once and drops every listener', () => {
    const events = new RoomEvents('r1', () => {});
    const deleted = vi.fn();
    const later = vi.fn();
    events.onDelete(deleted);
    events.subscribe(later);
    events.deleted();
    events.deleted();
    events.messages([message(1)]);
    expect(deleted).toHaveBeenCalledTimes(1);
    expect(later).not.toHaveBeenCalled();
    expect(events.idle).toBe(true);
  });

  test('whenIdle runs once the last listener of any kind leaves, not before, and not for a second unsubscribe', () => {
    const whenIdle = vi.fn();
    const events = new RoomEvents('r1', () => {}, whenIdle);
    const offs = [events.subscribe(() => {}), events.onRedact(() => {}), events.onDelete(() => {})];
    offs[0]!();
    offs[1]!();
    expect(whenIdle).not.toHaveBeenCalled();
    offs[2]!();
    offs[2]!();
    expect(whenIdle).toHaveBeenCalledTimes(1);
  });
});
