// The sockets webhook deliveries use: at most one per hook (kept alive between its deliveries while the receiver
// behaves) and a cap on all of them, so receivers that hold connections open cannot use up the server's descriptors.
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';

/** Most sockets all deliveries hold at once (in flight or idle); a delivery past it waits for one. */
export const DEFAULT_DELIVERY_SOCKETS = 64;

/** An idle kept-alive socket is closed after this long (receivers commonly close theirs at 5 s). */
const IDLE_MS = 4000;

/** Counts the open delivery sockets; a delivery that needs a new one past the cap closes an idle one or waits. */
export class DeliverySockets {
  private count = 0;
  private readonly waiting: (() => void)[] = [];
  /** Hooks whose socket is open and idle, least recently used first. */
  private readonly idle = new Set<HookConnection>();

  constructor(readonly max = DEFAULT_DELIVERY_SOCKETS) {}

  /** Sockets open now (or about to be opened by a delivery that has its place). */
  get open(): number {
    return this.count;
  }

  /** The connection of one hook, whose URL has this protocol. */
  connection(url: string): HookConnection {
    return new HookConnection(this, new URL(url).protocol === 'https:');
  }

  /** A place for one new socket: at once under the cap, else once one closes (an idle one is closed for it). False
   *  when `signal` aborts first. */
  reserve(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.count < this.max) {
      this.count++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const take = () => {
        signal.removeEventListener('abort', quit);
        this.count++;
        resolve(true);
      };
      const quit = () => {
        const at = this.waiting.indexOf(take);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      signal.addEventListener('abort', quit, { once: true });
      this.waiting.push(take);
      this.closeIdle();
    });
  }

  /** Counts a socket opened without a place (the kept one closed just before its request): past the cap by one. */
  force(): void {
    this.count++;
  }

  /** A socket closed, or a place was not used. */
  release(): void {
    this.count--;
    if (this.count < this.max) this.waiting.shift()?.();
  }

  /** Someone waits for a place: an idle socket should not be kept. */
  get wanted(): boolean {
    return this.waiting.length > 0;
  }

  markIdle(connection: HookConnection, idle: boolean): void {
    this.idle.delete(connection);
    if (idle) this.idle.add(connection);
  }

  private closeIdle(): void {
    const oldest = this.idle.values().next().value;
    if (oldest) oldest.dropIdle();
  }
}

/** One hook's connection: its own agent (one socket at most), the socket counted from its open to its close. */
export class HookConnection {
  readonly agent: HttpAgent;
  private socket: Socket | undefined;
  /** A place was reserved for a socket the attempt has not opened yet. */
  private reserved = false;

  constructor(
    private readonly sockets: DeliverySockets,
    https: boolean,
  ) {
    const options: AgentOptions = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, timeout: IDLE_MS };
    this.agent = https ? new HttpsAgent(options) : new HttpAgent(options);
  }

  /** Before an attempt: the hook's open socket is used again, or a place for a new one is taken (waiting past the
   *  cap). False when `signal` aborts while waiting. */
  async begin(signal: AbortSignal): Promise<boolean> {
    this.sockets.markIdle(this, false);
    if (this.socket && !this.socket.destroyed) return true;
    if (!(await this.sockets.reserve(signal))) return false;
    this.reserved = true;
    return true;
  }

  /** The attempt's request has its socket: a new one is counted until it closes. */
  attach(socket: Socket): void {
    if (socket === this.socket) return;
    this.socket = socket;
    // Without a reservation (the kept socket closed between begin and the request), it is counted all the same.
    if (this.reserved) this.reserved = false;
    else this.sockets.force();
    socket.once('close', () => {
      if (this.socket === socket) {
        this.socket = undefined;
        this.sockets.markIdle(this, false);
      }
      this.sockets.release();
    });
  }

  /** After an attempt: a socket the receiver left reusable stays open, idle, unless another delivery needs the place. */
  end(): void {
    if (this.reserved) {
      this.reserved = false;
      this.sockets.release();
    }
    if (!this.socket || this.socket.destroyed) return;
    if (this.sockets.wanted) this.socket.destroy();
    else this.sockets.markIdle(this, true);
  }

  /** Closes the idle socket, to make room for another hook's. */
  dropIdle(): void {
    this.sockets.markIdle(this, false);
    this.socket?.destroy();
  }

  /** The hook stopped: its socket closes. */
  close(): void {
    this.dropIdle();
    this.agent.destroy();
  }
}
