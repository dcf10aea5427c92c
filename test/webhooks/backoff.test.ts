// The retry schedule: about 1 s, doubling, jittered by ±25%, capped at 5 minutes; Retry-After honoured up to the cap.
import { expect, test } from 'vitest';
import { DEFAULT_BACKOFF, retryDelay } from '../../src/webhooks/backoff.js';

test.each([
  [1, 750, 1250],
  [2, 1500, 2500],
  [3, 3000, 5000],
  [9, 192_000, 300_000],
  [10, 300_000, 300_000],
  [1000, 300_000, 300_000],
])('after %i failures the wait is within [%i, %i] ms', (failures, low, high) => {
  expect(retryDelay(failures, DEFAULT_BACKOFF, 0, () => 0)).toBe(Math.min(low, 300_000));
  expect(retryDelay(failures, DEFAULT_BACKOFF, 0, () => 0.999_999)).toBeCloseTo(Math.min(high, 300_000), -1);
});

test('a Retry-After longer than the backoff is honoured, up to the cap', () => {
  expect(retryDelay(1, DEFAULT_BACKOFF, 30_000, () => 0.5)).toBe(30_000);
  expect(retryDelay(1, DEFAULT_BACKOFF, 3_600_000, () => 0.5)).toBe(300_000);
  expect(retryDelay(5, DEFAULT_BACKOFF, 1000, () => 0.5)).toBe(16_000);
});

test('the default pause threshold of 300 failures is about a day of retries', () => {
  let mean = 0;
  for (let f = 1; f <= 300; f++) mean += (retryDelay(f, DEFAULT_BACKOFF, 0, () => 0) + retryDelay(f, DEFAULT_BACKOFF, 0, () => 0.999_999)) / 2;
  expect(mean / 3_600_000).toBeGreaterThan(20);
  expect(mean / 3_600_000).toBeLessThan(28);
});
