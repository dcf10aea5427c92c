// Who is asking, by name: an agent key names its holder; otherwise `?as=NAME` (or a body's "as") says who it is.
import type { Context } from 'hono';
import type { Principal } from './auth/principal.js';
import type { AppEnv } from './env.js';
import { HttpError } from './errors.js';
import { agentName } from './streams.js';

/** The name a request acts under, or undefined when it gives none. An agent key's name wins, and a different `as`
 *  is refused, so a name can only be claimed by the key that holds it. */
export function callerName(c: Context<AppEnv>, as: string | undefined = agentName(c)): string | undefined {
  return nameFor(c.get('principal'), as);
}

export function nameFor(p: Principal, as: string | undefined): string | undefined {
  const agent = p.kind === 'room' ? p.agent : undefined;
  if (agent !== undefined && as !== undefined && as !== agent) {
    throw new HttpError(403, 'sender_mismatch', `This agent key belongs to "${agent}"; it cannot act as "${as.slice(0, 80)}" (leave as out, or give "${agent}").`);
  }
  return agent ?? as;
}
