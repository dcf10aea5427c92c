// Load for crash tests: workers send (a batch now and then) until the server stops answering; returns what it acknowledged.
import type { Message } from '../../src/api/types.js';

/** `rooms`: one room, or several to pick from at random for each send. Every `batchEvery`th send is a batch of 2. */
export async function sendUntilDead(url: string, rooms: string | string[], workers: number, tag: string, key?: string, batchEvery = 10): Promise<Message[]> {
  const pick = typeof rooms === 'string' ? () => rooms : () => rooms[Math.floor(Math.random() * rooms.length)]!;
  const acked: Message[] = [];
  let alive = true;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; alive; i++) {
        try {
          const res = await fetch(`${url}/agent/rooms/${pick()}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
            body: JSON.stringify(i % batchEvery === 0 ? [{ sender: tag, content: `${w}-${i}a` }, { sender: tag, content: `${w}-${i}b` }] : { sender: tag, content: `${w}-${i}` }),
          });
          if (res.status !== 201) throw new Error(`status ${res.status}`);
          const body = (await res.json()) as Message | { messages: Message[] };
          acked.push(...('messages' in body ? body.messages : [body]));
        } catch {
          alive = false;
        }
      }
    }),
  );
  return acked;
}
