// How long a hook waits before its next attempt: about 1 s, doubling per consecutive failure, with jitter, capped.

export interface Backoff {
  /** Wait after the first failure, before jitter (default 1 s). */
  baseMs: number;
  /** Longest wait (default 5 minutes). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * The wait after `failures` consecutive failures (1 or more): base × 2^(failures−1), times a random factor in
 * [0.75, 1.25) so hooks that failed together do not retry together, never past the cap. A receiver's Retry-After
 * (429/503) is honoured when it asks for longer, up to the cap.
 */
export function retryDelay(failures: number, backoff: Backoff, retryAfterMs = 0, random: () => number = Math.random): number {
  const doubled = backoff.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30);
  const jittered = doubled * (0.75 + random() * 0.5);
  return Math.min(backoff.maxMs, Math.max(jittered, retryAfterMs));
}
