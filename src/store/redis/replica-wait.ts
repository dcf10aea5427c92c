// --redis-wait: a write is acknowledged only once N replicas have it; one WAIT covers every write made before it.
import { StoreError } from '../errors.js';
import { isCluster, sendCommandFor, type RedisConnection } from './connection.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Confirms that N replicas have every write this Redis had executed when `confirm()` was called. WAIT waits for the
 * replication offset of its own connection's last write, and blocks that connection meanwhile, so it runs on a
 * connection of its own after a write there (`probeKey`): Redis replicates in one ordered stream, so once the probe
 * is on N replicas so is every write executed before it, from any connection. Callers that come while a round is on
 * its way share the next one: N sends at once cost one probe and one WAIT, not N.
 */
export class ReplicaWait {
  private queued: Waiter[] = [];
  private running = false;

  constructor(
    private readonly connection: RedisConnection,
    private readonly replicas: number,
    private readonly timeoutMs: number,
    private readonly probeKey: string,
    /** Called when the last round is done and no caller waits (the store then forgets a room's ReplicaWait). */
    private readonly idle: () => void = () => {},
  ) {}

  /** Resolves once N replicas have every write executed so far; rejects with StoreError('unavailable') otherwise. */
  confirm(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.queued.length > 0) {
      const round = this.queued.splice(0);
      try {
        await this.round();
        for (const w of round) w.resolve();
      } catch (err) {
        for (const w of round) w.reject(err);
      }
    }
    this.running = false;
    this.idle();
  }

  private async round(): Promise<void> {
    // The probe, then WAIT for it on the same connection: on a single Redis written at once (one turn of the event
    // loop). On a Cluster the probe goes by the client's routing, which follows a failover to the new master (WAIT
    // cannot, having no key), and WAIT then goes to the connection of the master that took it.
    const probe = this.connection.incr(this.probeKey);
    if (isCluster(this.connection)) await probe;
    const [, acked] = await Promise.all([probe, sendCommandFor(this.connection, this.probeKey, ['WAIT', String(this.replicas), String(this.timeoutMs)])]);
    if (Number(acked) < this.replicas) throw notReplicated(this.replicas, Number(acked), this.timeoutMs);
  }
}

/** The 503 of a write Redis made but fewer than N replicas confirmed in time (--redis-wait). */
export function notReplicated(wanted: number, got: number, ms: number): StoreError {
  return new StoreError(
    'unavailable',
    `Redis made the change but only ${got} of the ${wanted} replica(s) required (--redis-wait ${wanted}) confirmed it within ${ms} ms, so it is not acknowledged: ` +
      'a message is held back from readers, streams and webhooks until a replica has it, and a failover before then loses it. ' +
      'To retry safely, read the room once sends succeed again and send again only what is not there.',
  );
}
