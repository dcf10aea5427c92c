// The webhook service: the hooks of every room, kept in a HookState (the data folder, or Redis for a fleet), each with
// its delivery worker.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Room } from '../api/types.js';
import type { CreatedWebhook, Webhook, WebhookInput } from '../api/webhooks.js';
import type { Store } from '../store/store.js';
import { privateUrlProblem } from './address-policy.js';
import { DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import { postDelivery } from './deliver.js';
import { DEFAULT_DELIVERY_SOCKETS, DeliverySockets } from './delivery-sockets.js';
import { WebhookError } from './errors.js';
import { HookFiles } from './hook-files.js';
import type { HookRecord, HookState } from '../store/fleet-contract.js';
import { HookWorker } from './hook-worker.js';
import { newSecret } from './signing.js';

export interface WebhookOptions {
  store: Store;
  /** The data folder; without `state`, hooks live in DIR/webhooks/. */
  dataDir: string;
  /** Where hooks, cursors and delivery leases live (default: files in the data folder, one server). */
  state?: HookState;
  /** Allow hooks to loopback, private and link-local addresses (refused by default). */
  allowPrivate?: boolean;
  /** Consecutive failures after which a hook is paused (default 300: about a day of retries). */
  maxFailures?: number;
  backoff?: Backoff;
  /** Milliseconds a receiver has to answer one delivery (default 10 s). */
  timeoutMs?: number;
  /** Most hooks per room (default 20). */
  maxPerRoom?: number;
  /** Most sockets all deliveries hold at once, one per hook at most (default 64); deliveries past it wait. */
  maxSockets?: number;
  log?: (message: string) => void;
  random?: () => number;
}

export const DEFAULT_MAX_FAILURES = 300;
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
export const DEFAULT_HOOKS_PER_ROOM = 20;

/** The hook as the API shows it: everything but the secret. */
export function publicView({ secret: _secret, ...hook }: HookRecord): Webhook {
  return hook;
}

export class Webhooks {
  private readonly state: HookState;
  /** Workers by room, in creation order. */
  private readonly rooms = new Map<string, HookWorker[]>();
  /** Unsubscribes from each room's deletion. */
  private readonly deletions = new Map<string, () => void>();
  private readonly log: (message: string) => void;
  private readonly sockets: DeliverySockets;
  private unwatch: () => void = () => {};
  private closed = false;

  constructor(private readonly options: WebhookOptions) {
    this.state = options.state ?? new HookFiles(join(options.dataDir, 'webhooks'));
    this.log = options.log ?? ((m) => process.stderr.write(`${m}\n`));
    this.sockets = new DeliverySockets(options.maxSockets ?? DEFAULT_DELIVERY_SOCKETS);
  }

  get allowPrivate(): boolean {
    return this.options.allowPrivate ?? false;
  }

  /** Loads the stored hooks and starts delivering where each one stopped. */
  async open(): Promise<void> {
    this.unwatch = await this.state.watch((roomId) => void this.reconcile(roomId).catch((err: Error) => this.log(`webhooks of room ${roomId}: could not follow a change: ${err.message}`)));
    for (const [roomId, records] of await this.state.loadAll()) {
      if (!(await this.options.store.getRoom(roomId))) {
        // The room was deleted and the server stopped before its hooks were removed: finish the job.
        this.log(`warning: removed the webhooks of room ${roomId}, which no longer exists`);
        await this.state.removeRoom(roomId);
        continue;
      }
      for (const record of records) this.startWorker(record);
    }
  }

  /** Another server added, removed or resumed hooks of the room: start, stop or update the workers here to match. */
  private async reconcile(roomId: string): Promise<void> {
    if (this.closed) return;
    const stored = new Map((await this.state.loadRoom(roomId)).map((h) => [h.id, h]));
    const workers = this.rooms.get(roomId) ?? [];
    const gone = workers.filter((w) => !stored.has(w.hook.id));
    if (gone.length > 0) this.rooms.set(roomId, workers.filter((w) => stored.has(w.hook.id)));
    await Promise.all(gone.map((w) => w.stop()));
    for (const [id, record] of stored) {
      const worker = workers.find((w) => w.hook.id === id);
      if (worker) worker.changed(record);
      else if (!this.closed && (await this.options.store.getRoom(roomId))) this.startWorker(record);
    }
  }

  /** Stops every worker (aborting attempts in flight) and waits for their state to be written. */
  async close(): Promise<void> {
    this.closed = true;
    this.unwatch();
    for (const unwatch of this.deletions.values()) unwatch();
    await Promise.all([...this.rooms.values()].flat().map((w) => w.stop()));
    await this.state.flush();
  }

  /** Adds a hook; `origin` is the address it was added through, the default `uiUrl` of a chat-tool format. */
  async add(room: Room, input: WebhookInput, origin?: string): Promise<CreatedWebhook> {
    if (this.closed) throw new WebhookError('unavailable', 'The server is shutting down.');
    const max = this.options.maxPerRoom ?? DEFAULT_HOOKS_PER_ROOM;
    const full = () => new WebhookError('limit', `This room already has ${max} webhooks, the most it can have; remove one first.`);
    if ((this.rooms.get(room.id)?.length ?? 0) >= max) throw full();
    if (!this.allowPrivate) {
      const problem = await privateUrlProblem(new URL(input.url));
      if (problem) throw new WebhookError('webhook_url_refused', `${problem}.`);
    }
    const chatFormat = input.format === 'standard' ? undefined : input.format;
    const uiUrl = input.uiUrl ?? origin;
    const record: HookRecord = {
      id: `wh_${randomBytes(12).toString('base64url')}`,
      roomId: room.id,
      url: input.url,
      ...(input.to !== undefined && { to: input.to }),
      ...(input.sender !== undefined && { sender: input.sender }),
      ...(input.type !== undefined && { type: input.type }),
      // A standard hook is stored as before; a chat-tool one keeps the UI address its room link starts with.
      ...(chatFormat && { format: chatFormat }),
      ...(chatFormat && uiUrl !== undefined && { uiUrl: uiUrl.replace(/\/+$/, '') }),
      state: 'active',
      createdAt: new Date().toISOString(),
      lastDeliveredSeq: Math.min(input.after ?? room.lastSeq, room.lastSeq),
      failures: 0,
      secret: newSecret(),
    };
    if (!(await this.state.add(record, max))) throw full();
    const created = { ...record };
    this.startWorker(record);
    return created;
  }

  /** The room's hooks as stored: with a fleet, the cursors of whichever server delivers each. */
  async list(roomId: string): Promise<Webhook[]> {
    return (await this.state.loadRoom(roomId)).map(publicView);
  }

  async get(roomId: string, hookId: string): Promise<Webhook> {
    return publicView(await this.stored(roomId, hookId));
  }

  async remove(roomId: string, hookId: string): Promise<Webhook> {
    const hook = await this.stored(roomId, hookId);
    const worker = this.rooms.get(roomId)?.find((w) => w.hook.id === hookId);
    if (worker) this.rooms.set(roomId, this.workers(roomId).filter((w) => w !== worker));
    await worker?.stop();
    await this.state.remove(roomId, hookId);
    return publicView(worker?.hook ?? hook);
  }

  async resume(roomId: string, hookId: string): Promise<Webhook> {
    // The stored record, not this server's copy: with a fleet another server may hold a newer cursor.
    const hook = Object.assign(await this.stored(roomId, hookId), { state: 'active', failures: 0 } as const);
    this.rooms.get(roomId)?.find((w) => w.hook.id === hookId)?.resume();
    await this.state.update(hook);
    return publicView(hook);
  }

  private startWorker(record: HookRecord): void {
    const worker = new HookWorker(record, this.workerDeps(record));
    this.workers(record.roomId).push(worker);
    worker.start();
  }

  /** A deleted room takes its hooks with it: their workers stop and its hook file goes. */
  private async roomDeleted(roomId: string): Promise<void> {
    const workers = this.rooms.get(roomId) ?? [];
    this.rooms.delete(roomId);
    this.deletions.get(roomId)?.();
    this.deletions.delete(roomId);
    await Promise.all(workers.map((w) => w.stop()));
    await this.state.removeRoom(roomId).catch((err: Error) => this.log(`webhooks of deleted room ${roomId}: could not remove them: ${err.message}`));
  }

  private workerDeps(record: HookRecord) {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    const connection = this.sockets.connection(record.url);
    return {
      store: this.options.store,
      backoff: this.options.backoff ?? DEFAULT_BACKOFF,
      maxFailures: this.options.maxFailures ?? DEFAULT_MAX_FAILURES,
      post: (url: string, body: string, headers: Record<string, string>, signal: AbortSignal) =>
        postDelivery(url, body, headers, { timeoutMs, allowPrivate: this.allowPrivate, signal, connection }),
      closeConnection: () => connection.close(),
      state: this.state,
      lease: this.state.lease(record),
      log: this.log,
      ...(this.options.random && { random: this.options.random }),
    };
  }

  private workers(roomId: string): HookWorker[] {
    let list = this.rooms.get(roomId);
    if (!list) {
      this.rooms.set(roomId, (list = []));
      if (!this.deletions.has(roomId)) this.deletions.set(roomId, this.options.store.onDelete(roomId, () => void this.roomDeleted(roomId)));
    }
    return list;
  }

  private async stored(roomId: string, hookId: string): Promise<HookRecord> {
    const hook = await this.state.loadHook(roomId, hookId);
    if (!hook) throw new WebhookError('webhook_not_found', `Room ${roomId} has no webhook ${hookId.slice(0, 80)}; list them with GET /agent/rooms/${roomId}/webhooks.`);
    return hook;
  }
}
