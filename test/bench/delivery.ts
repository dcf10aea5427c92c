// Delivery latency, send to receipt, to N subscribers over SSE or long-poll, with raw node:http clients.
import { Agent, get, request } from 'node:http';
import { cpuMs } from './load.js';
import { percentiles, type Percentiles } from './stats.js';

export type Transport = 'sse' | 'long-poll';

interface Subscriber {
  close(): void;
}

/** Sends `count` messages one at a time, each once every subscriber has the previous one. */
export async function measureDelivery(
  baseUrl: string,
  roomId: string,
  transport: Transport,
  subscribers: number,
  count: number,
  /** Where the sends go (default baseUrl): another server of a fleet, to measure delivery across servers. */
  sendUrl = baseUrl,
  /** The server whose CPU time per delivery (per message and subscriber) is reported, from the first send to the last. */
  serverPid?: number,
): Promise<Percentiles & { cpuUs?: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: subscribers + 4 });
  const startSeq = await lastSeq(baseUrl, roomId);
  const sentAt = new Map<number, number>();
  const samples: number[] = [];
  let pending = 0;
  let release: (() => void) | undefined;
  const received = (seq: number) => {
    const t = sentAt.get(seq);
    if (t === undefined) return;
    samples.push(performance.now() - t);
    if (--pending === 0) release?.();
  };
  const subs: Subscriber[] = [];
  let ready = 0;
  await new Promise<void>((resolve) => {
    const onReady = () => ++ready === subscribers && resolve();
    for (let i = 0; i < subscribers; i++) {
      subs.push(transport === 'sse' ? sse(agent, baseUrl, roomId, startSeq, received, onReady) : longPoll(agent, baseUrl, roomId, startSeq, received, onReady));
    }
  });
  await new Promise((r) => setTimeout(r, 200)); // let every long-poll reach the server
  const cpu0 = serverPid === undefined ? 0 : cpuMs(serverPid);
  for (let i = 1; i <= count; i++) {
    const seq = startSeq + i;
    pending = subscribers;
    const all = new Promise<void>((resolve) => (release = resolve));
    sentAt.set(seq, performance.now());
    await post(agent, `${sendUrl}/agent/rooms/${roomId}/messages`, JSON.stringify({ sender: 'bench', content: `delivery ${i}` }));
    await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
  }
  const cpu = serverPid === undefined ? undefined : Math.round(((cpuMs(serverPid) - cpu0) * 1000) / (count * subscribers));
  subs.forEach((s) => s.close());
  agent.destroy();
  return { ...percentiles(samples), ...(cpu !== undefined && { cpuUs: cpu }) };
}

async function lastSeq(baseUrl: string, roomId: string): Promise<number> {
  const room = (await (await fetch(`${baseUrl}/agent/rooms/${roomId}`)).json()) as { lastSeq: number };
  return room.lastSeq;
}

function post(agent: Agent, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function sse(agent: Agent, baseUrl: string, roomId: string, after: number, received: (seq: number) => void, onReady: () => void): Subscriber {
  const req = get(`${baseUrl}/agent/rooms/${roomId}/stream?after=${after}`, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
    onReady();
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
        const event = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(event);
        if (id) received(Number(id[1]));
      }
    });
  });
  req.on('error', () => {});
  return { close: () => req.destroy() };
}

function longPoll(agent: Agent, baseUrl: string, roomId: string, after: number, received: (seq: number) => void, onReady: () => void): Subscriber {
  let closed = false;
  let current: ReturnType<typeof get> | undefined;
  let first = true;
  const poll = (from: number) => {
    if (closed) return;
    current = get(`${baseUrl}/agent/rooms/${roomId}/history?after=${from}&wait=30`, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const { messages } = JSON.parse(body) as { messages: { seq: number }[] };
        for (const m of messages) received(m.seq);
        poll(messages.at(-1)?.seq ?? from);
      });
    });
    // A kept-alive socket the server closed as it was reused fails the request: ask again, or this waiter would miss
    // every later message and each would wait out the 5-second limit.
    current.on('error', () => setTimeout(() => poll(from), 10));
    if (first) {
      first = false;
      current.on('socket', () => onReady());
    }
  };
  poll(after);
  return {
    close: () => {
      closed = true;
      current?.destroy();
    },
  };
}
