// The three ways a single send is benchmarked: auth off, a room write key, an agent key; each a server and a room.
import { join } from 'node:path';
import { MESSAGE } from './load.js';
import { ROOT, startOurs, type Proc } from './processes.js';

export type SendAuth = 'auth off' | 'room key' | 'agent key';
export const SEND_AUTHS: readonly SendAuth[] = ['auth off', 'room key', 'agent key'];

export interface SendTarget {
  auth: SendAuth;
  proc: Proc;
  /** The room's messages URL. */
  url: string;
  headers: Record<string, string>;
}

const ADMIN = 'ima_bench-admin-token-0123456789';

async function post<T>(url: string, body: unknown, admin?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin && { authorization: `Bearer ${admin}` }) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** A server of this build (or `root`'s) with one room, and the headers a send into it carries in this mode. With an
 *  agent key, the agent is named as MESSAGE's sender, so every mode posts the same body. `extra`: more serve flags
 *  (e.g. --store redis://...). */
export async function startSendTarget(auth: SendAuth, dataDir: string, nodeArgs: string[] = [], root = ROOT, extra: string[] = []): Promise<SendTarget> {
  const admin = auth === 'auth off' ? undefined : ADMIN;
  const proc = await startOurs(join(dataDir, auth.replace(' ', '-')), [...(admin ? ['--token', admin] : []), ...extra], root, nodeArgs);
  const { roomId, keys } = await post<{ roomId: string; keys: { write: string } }>(`${proc.url}/agent/rooms`, { name: `send-${auth}` }, admin);
  let key: string | undefined;
  if (auth === 'room key') key = keys.write;
  if (auth === 'agent key') {
    const sender = (JSON.parse(MESSAGE) as { sender: string }).sender;
    key = (await post<{ key: string }>(`${proc.url}/agent/rooms/${roomId}/agents`, { name: sender }, admin)).key;
  }
  return { auth, proc, url: `${proc.url}/agent/rooms/${roomId}/messages`, headers: key ? { authorization: `Bearer ${key}` } : {} };
}
