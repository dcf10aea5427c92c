// Crash-test load: writers keep batches in flight against servers, and a check that what a room holds after crashes
// is every acknowledged message once, every batch whole, seqs gapless.
import { expect } from 'vitest';
import type { Message } from '../../src/api/types.js';

export interface BatchLoad {
  /** Batch key -> its acknowledged messages. */
  acked: Map<string, Message[]>;
  /** Batches acknowledged by each server. */
  ackedBy: number[];
  /** Other answers (503s, refused connections) by each server. */
  failedBy: number[];
  /** Ends the writers once their batches in flight are answered. */
  stop(): Promise<void>;
}

/** `writers` writers per server URL in `urls()` (read at each send, so a test may move a server), each with one batch
 *  of `size` in flight at a time, until stop(). Batches are keyed `<tag>s<server> b<n>` into `acked` (a test's rounds
 *  may share one map, each with its own tag). */
export function batchLoad(urls: () => string[], roomId: string, size: number, writers: number, acked = new Map<string, Message[]>(), tag = ''): BatchLoad {
  const ackedBy = urls().map(() => 0);
  const failedBy = urls().map(() => 0);
  let stopped = false;
  let batchNo = 0;
  const writer = async (s: number) => {
    while (!stopped) {
      const key = `${tag}s${s} b${batchNo++}`;
      try {
        const res = await fetch(`${urls()[s]!}/agent/rooms/${roomId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(Array.from({ length: size }, (_, k) => ({ sender: `load${s}`, content: `${key}.${k}` }))),
        });
        if (res.status === 201) {
          acked.set(key, ((await res.json()) as { messages: Message[] }).messages);
          ackedBy[s]!++;
          continue;
        }
        await res.body?.cancel();
      } catch {
        // the connection died with the server: not acknowledged
      }
      failedBy[s]!++;
      await new Promise((r) => setTimeout(r, 20)); // Redis is down: 503 until the server reconnects
    }
  };
  const running = ackedBy.flatMap((_, s) => Array.from({ length: writers }, () => writer(s)));
  return {
    acked,
    ackedBy,
    failedBy,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** Every acknowledged message is in `stored` exactly as acknowledged, once; seqs run 1, 2, 3...; each batch of `size`
 *  is whole and contiguous. Answers what was counted. */
export function checkBatches(stored: readonly Message[], acked: Map<string, Message[]>, size: number): { messages: number; batches: number } {
  const ids = stored.map((m) => m.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  const byId = new Map(stored.map((m) => [m.id, m]));
  for (const messages of acked.values()) for (const m of messages) expect(byId.get(m.id)).toEqual(m);
  const batches = new Map<string, Message[]>();
  for (const m of stored) {
    const key = m.content.slice(0, m.content.lastIndexOf('.'));
    batches.set(key, [...(batches.get(key) ?? []), m]);
  }
  for (const [key, ms] of batches) {
    const whole = ms.length === size && ms.every((m, k) => m.content === `${key}.${k}` && m.seq === ms[0]!.seq + k);
    expect(whole, `batch ${key}: ${ms.length} of ${size}, seqs ${ms[0]!.seq}..${ms.at(-1)!.seq}`).toBe(true);
  }
  return { messages: stored.length, batches: batches.size };
}

