// Who is asking, by name: an agent key names its holder; otherwise `?as=NAME` (or a body's "as") says who it is.
import type { Context } from 'hono';
import type { RoomStorage } from '../store/store.js';
import type { Principal } from './auth/principal.js';
import type { AppEnv } from './env.js';
import { HttpError } from './errors.js';
import { agentName } from './streams.js';

/**
 * The name a request on room `roomId` acts under, or undefined when it gives none. An agent key's name wins, and a
 * different `as` is refused; a name that has an agent key in the room is refused to any other room key (403
 * sender_mismatch), so a name with a key can only be claimed by that key or the admin token. Reads the room's agents
 * only when a room key that is no agent's names someone.
 */
export async function callerName(c: Context<AppEnv>, store: RoomStorage, roomId: string, as: string | undefined = agentName(c)): Promise<string | undefined> {
  const p = c.get('principal');
  const name = nameFor(p, as);
  if (name !== undefined && p.kind === 'room' && p.agent === undefined && (await store.listAgents(roomId)).some((a) => a.name === name)) {
    throw new HttpError(403, 'sender_mismatch', `"${name}" has an agent key in this room: only that key (or the admin token) may act as it. Use its key, or another name.`);
  }
  return name;
}

export function nameFor(p: Principal, as: string | undefined): string | undefined {
  const agent = p.kind === 'room' ? p.agent : undefined;
  if (agent !== undefined && as !== undefined && as !== agent) {
    throw new HttpError(403, 'sender_mismatch', `This agent key belongs to "${agent}"; it cannot act as "${as.slice(0, 80)}" (leave as out, or give "${agent}").`);
  }
  return agent ?? as;
}
