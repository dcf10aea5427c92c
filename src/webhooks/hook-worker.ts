// One hook's delivery loop: while it holds the hook's lease, reads the room past the hook's cursor, posts each matching
// message in seq order (one in flight), retries with backoff, stores the cursor after each 2xx, and pauses after too
// many failures.
import { matchesWait } from '../api/wait-rule.js';
import type { Message } from '../api/types.js';
import type { Store } from '../store/store.js';
import { retryDelay, type Backoff } from './backoff.js';
import type { DeliveryResult } from './deliver.js';
import { formatDelivery } from './formats.js';
import type { HookLease, HookRecord, HookState } from '../store/fleet-contract.js';
import { signatureHeaders } from './signing.js';

export interface WorkerDeps {
  store: Store;
  backoff: Backoff;
  maxFailures: number;
  /** Posts one signed delivery. */
  post: (url: string, body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<DeliveryResult>;
  /** Closes the hook's socket, once the worker stopped. */
  closeConnection?: () => void;
  /** Where the hook's state is stored (its cursor after each 2xx). */
  state: HookState;
  /** Who may deliver it: this server only while it holds the lease. */
  lease: HookLease;
  log: (message: string) => void;
  random?: () => number;
}

/** How many messages one read takes from the room. */
const PAGE = 100;

/** The wait rule's filter (src/api/wait-rule.ts), with the hook's `sender` as `from`. */
export function matches(hook: HookRecord, m: Message): boolean {
  return matchesWait(m, { from: hook.sender, to: hook.to, type: hook.type });
}

export class HookWorker {
  private stopped = false;
  private readonly abort = new AbortController();
  /** Set by a new message, so one that lands between a read and the wait is not missed. */
  private newMessages = false;
  private wakeIdle: () => void = () => {};
  private wakeBackoff: () => void = () => {};
  /** Messages redacted since the last page was read, by seq: a page read before a redaction holds the old text. */
  private readonly redacted = new Map<number, Message>();
  /** The message of the attempt in flight, and how to abort that attempt. */
  private inFlight: { seq: number; abort: AbortController } | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly hook: HookRecord,
    private readonly deps: WorkerDeps,
  ) {}

  start(): void {
    this.done = this.loop().catch((err) => {
      // Stopping (the room was deleted, the server is shutting down) may fail a read in flight: nothing to report.
      if (!this.stopped) this.deps.log(`webhook ${this.hook.id}: delivery stopped: ${(err as Error)?.stack ?? String(err)}`);
    });
  }

  /** Ends the loop; an attempt in flight is aborted and counts for nothing, so it is made again after a restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wakeIdle();
    this.wakeBackoff();
    await this.done;
  }

  /** Makes a paused hook active again and retries at once. */
  resume(): void {
    this.hook.state = 'active';
    this.hook.failures = 0;
    this.wakeIdle();
    this.wakeBackoff();
  }

  /** Another server changed the hook: a waiting worker takes the stored state, a delivering one only a resume. */
  changed(stored: HookRecord): void {
    if (!this.deps.lease.held) Object.assign(this.hook, stored);
    else if (stored.state === 'active' && this.hook.state === 'paused') this.resume();
    this.wakeIdle();
  }

  private async loop(): Promise<void> {
    const { store } = this.deps;
    // Subscribed before the first read, so nothing that lands in between is missed.
    const unsubscribeMessages = store.subscribe(this.hook.roomId, () => {
      this.newMessages = true;
      this.wakeIdle();
    });
    // Told before the redaction is answered: no attempt that starts after that answer carries the old text, and one
    // in flight is cut off (its bytes may not all be out yet) and made again with the redacted copy.
    const unsubscribeRedact = store.onRedact(this.hook.roomId, (m) => {
      if (m.seq <= this.hook.lastDeliveredSeq) return;
      this.redacted.set(m.seq, m);
      if (this.inFlight?.seq === m.seq) this.inFlight.abort.abort();
    });
    const unsubscribe = () => (unsubscribeMessages(), unsubscribeRedact());
    try {
      while (!this.stopped) {
        if (!this.deps.lease.held && !(await this.takeLease())) continue;
        if (this.hook.state === 'paused') {
          await this.idle();
          continue;
        }
        this.newMessages = false;
        // Cleared before the read, so a redaction that lands during it is kept.
        this.redacted.clear();
        const page = await store.read(this.hook.roomId, { after: this.hook.lastDeliveredSeq, limit: PAGE });
        if (page.length === 0) {
          if (!this.newMessages) await this.idle();
          continue;
        }
        await this.deliverPage(page);
      }
    } finally {
      unsubscribe();
      this.deps.closeConnection?.();
      await this.deps.lease.release().catch(() => {});
    }
  }

  /** Waits for the lease; once held, continues from the state the last holder stored. */
  private async takeLease(): Promise<boolean> {
    const { lease, state } = this.deps;
    if (!(await lease.acquire().catch(() => false))) {
      await this.backoff(lease.retryMs);
      return false;
    }
    const stored = await state.loadHook(this.hook.roomId, this.hook.id);
    if (!stored) {
      this.stopped = true; // removed meanwhile; the server that removed it tells the others
      return false;
    }
    Object.assign(this.hook, stored);
    lease.signal.addEventListener('abort', () => {
      this.wakeIdle();
      this.wakeBackoff();
    });
    return true;
  }

  private async deliverPage(page: readonly Message[]): Promise<void> {
    let skipped = false;
    for (const m of page) {
      if (this.stopped || this.hook.state === 'paused' || !this.deps.lease.held) break;
      if (!matches(this.hook, m)) {
        this.hook.lastDeliveredSeq = m.seq;
        skipped = true;
        continue;
      }
      if (!(await this.deliver(m))) break;
      this.hook.lastDeliveredSeq = m.seq;
      this.hook.lastDeliveredAt = new Date().toISOString();
      this.hook.failures = 0;
      skipped = false;
      await this.save();
    }
    // Skipped messages need no write of their own: at worst a restart reads them again and skips them again.
    if (skipped) await this.save();
  }

  /** Attempts until a 2xx (true), or until the hook is paused or the worker stops (false). */
  private async deliver(m: Message): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped || this.hook.state === 'paused' || !this.deps.lease.held) return false;
      // A retry reads the message again: it may have been redacted by another server of a fleet meanwhile.
      if (attempt > 1) m = await this.current(m);
      const version = this.redacted.get(m.seq) ?? m;
      // The body is made at each attempt from the message as it is now (a redacted copy once redacted).
      const { body, headers: formatHeaders } = await formatDelivery(this.hook, version, this.deps.store);
      const headers = { ...formatHeaders, ...(await signatureHeaders(this.hook.secret, `msg_${m.id}`, body)) };
      // Redacted while the signature was made: build the body again.
      if ((this.redacted.get(m.seq) ?? m) !== version) {
        attempt--;
        continue;
      }
      const abort = new AbortController();
      this.inFlight = { seq: m.seq, abort };
      const signal = AbortSignal.any([this.abort.signal, this.deps.lease.signal, abort.signal]);
      const result = await this.deps.post(this.hook.url, body, headers, signal).finally(() => (this.inFlight = undefined));
      if (this.stopped || !this.deps.lease.held) return false;
      if (abort.signal.aborted) {
        attempt--; // cut off by its message's redaction: no failure, made again at once
        continue;
      }
      if (result.ok) return true;
      this.hook.failures += 1;
      this.hook.lastError = `seq ${m.seq}: ${result.error ?? 'failed'}`;
      this.hook.lastErrorAt = new Date().toISOString();
      if (this.hook.failures >= this.deps.maxFailures) {
        this.hook.state = 'paused';
        this.deps.log(`webhook ${this.hook.id} (room ${this.hook.roomId}) paused after ${this.hook.failures} consecutive failures; last: ${result.error}`);
      }
      await this.save();
      if (this.hook.state === 'paused') return false;
      await this.backoff(retryDelay(this.hook.failures, this.deps.backoff, result.retryAfterMs, this.deps.random));
    }
  }

  /** The message as stored now (redacted, perhaps); as it was if the room no longer has it. */
  private async current(m: Message): Promise<Message> {
    const [stored] = await this.deps.store.read(this.hook.roomId, { after: m.seq - 1, limit: 1 });
    return stored?.seq === m.seq ? stored : m;
  }

  private async save(): Promise<void> {
    try {
      // False when the lease was lost: the loop sees `held` is false and waits to take it again.
      await this.deps.state.update(this.hook, this.deps.lease);
    } catch (err) {
      // Delivery goes on; the state is written again with the next change.
      this.deps.log(`webhook ${this.hook.id}: could not store its state: ${(err as Error).message}`);
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => (this.wakeIdle = resolve));
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
