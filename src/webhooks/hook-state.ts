// The delivery lease of a single server. Hooks and their delivery state live in the data folder for one server
// (hook-files.ts) or in Redis for a fleet (src/store/redis/hook-state.ts); their interfaces are in src/store/fleet-contract.ts.
import type { HookLease } from '../store/fleet-contract.js';

/** The lease of a single server: always held (the data folder's lock already makes it the only one). */
export function soleLease(): HookLease {
  return {
    acquire: async () => true,
    held: true,
    signal: new AbortController().signal,
    retryMs: 0,
    release: async () => {},
  };
}
