// Open SSE streams and waiting long-polls: capped per client and in total, and all ended at shutdown.
import { HttpError } from './errors.js';

export interface StreamLimits {
  perClient: number;
  total: number;
  /** An SSE stream that delivered nothing for this long is closed (the client may reconnect). */
  idleMs: number;
}

export interface OpenStream {
  /** Called once, at shutdown: say goodbye and end. */
  end(): void;
}

export class StreamRegistry {
  private readonly byClient = new Map<string, number>();
  private readonly open = new Set<OpenStream>();
  private closing = false;

  constructor(readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  /** Counts a stream in, or refuses it with a 429 (503 while shutting down); returns the release function. */
  admit(clientId: string, stream: OpenStream): () => void {
    if (this.closing) throw new HttpError(503, 'shutting_down', 'The server is shutting down; reconnect in a moment.');
    const mine = this.byClient.get(clientId) ?? 0;
    if (mine >= this.limits.perClient) {
      throw new HttpError(429, 'too_many_streams', `This client already has ${mine} open streams and long-polls, the most allowed (--max-streams-per-client).`, { 'Retry-After': '5' });
    }
    if (this.open.size >= this.limits.total) {
      throw new HttpError(429, 'too_many_streams', `The server has ${this.open.size} open streams and long-polls, the most allowed (--max-streams).`, { 'Retry-After': '5' });
    }
    this.byClient.set(clientId, mine + 1);
    this.open.add(stream);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open.delete(stream);
      const n = (this.byClient.get(clientId) ?? 1) - 1;
      if (n > 0) this.byClient.set(clientId, n);
      else this.byClient.delete(clientId);
    };
  }

  /** Ends every stream and long-poll, and refuses new ones. */
  closeAll(): void {
    this.closing = true;
    for (const s of [...this.open]) s.end();
  }
}
