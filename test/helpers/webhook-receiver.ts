// A real webhook receiver on 127.0.0.1 (port 0) that verifies every delivery with the `standardwebhooks` library.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Message } from '../../src/api/types.js';
import { afterEachTest } from './hooks.js';

export interface Delivery {
  id: string;
  /** The parsed, verified body. */
  body: { type: string; timestamp: string; data: Message };
  headers: Record<string, string>;
}

export type Decide = (delivery: Delivery, attempt: number) => number | 'hang' | Promise<number | 'hang'>;

export interface Receiver {
  url: string;
  /** Verified deliveries that were answered 2xx, in arrival order. */
  accepted: Delivery[];
  /** Every verified attempt, whatever the answer. */
  attempts: Delivery[];
  /** Requests whose signature did not verify (should stay 0). */
  rejected: string[];
  /** Most deliveries in flight at once. */
  maxInFlight: number;
  /** Sets the secret to verify with (known once the hook is created). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

const servers = new Set<() => Promise<void>>();
afterEachTest(async () => {
  await Promise.all([...servers].map((close) => close()));
});

/** Starts a receiver; `decide` picks each answer's status (default 200), or 'hang' to never answer. */
export async function startReceiver(decide: Decide = () => 200, port = 0): Promise<Receiver> {
  let verifier: Webhook | undefined;
  let inFlight = 0;
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    accepted: [],
    attempts: [],
    rejected: [],
    maxInFlight: 0,
    setSecret: (secret) => void (verifier = new Webhook(secret)),
    close: async () => {
      servers.delete(receiver.close);
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let body: Delivery['body'];
    try {
      if (!verifier) throw new Error('no secret yet');
      body = verifier.verify(text, headers) as Delivery['body'];
    } catch (err) {
      receiver.rejected.push(`${(err as Error).message}: ${text.slice(0, 100)}`);
      res.writeHead(400).end();
      return;
    }
    const delivery: Delivery = { id: headers['webhook-id']!, body, headers };
    receiver.attempts.push(delivery);
    const status = await decide(delivery, receiver.attempts.length);
    if (status === 'hang') {
      hanging.add(res);
      return;
    }
    if (status >= 200 && status < 300) receiver.accepted.push(delivery);
    res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://127.0.0.1:9/elsewhere' } : {}).end('ignored body');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  servers.add(receiver.close);
  return receiver;
}
