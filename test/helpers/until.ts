// The one poll-until of the tests: waits for a state (a run recorded, a listener gone), never for a duration. The
// deadline is a guard against a hang, not a speed check: the machine may be busy.

/** Reads `read()` every `everyMs` until `ok` holds for what it gave, and returns that; after `timeoutMs` it fails with
 *  `what` and the last value read. */
export async function pollFor<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000, what = 'condition', everyMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${typeof value === 'boolean' ? '' : `: last ${JSON.stringify(value)}`}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls `check` until it returns true, or fails after `timeoutMs` naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition', everyMs = 10): Promise<void> {
  await pollFor(check, (v) => v, timeoutMs, what, everyMs);
}
