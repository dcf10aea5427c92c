// Redaction: one message's content replaced by a marker in the log (seq and sender kept), for a secret pasted by mistake.
import { Hono } from 'hono';
import type { Message } from '../../api/types.js';
import type { Principal } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { wholeNumber } from '../request.js';
import { roomParam } from './room-param.js';

export function redactionRoutes({ store }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // The write key or the admin token may redact any message; an agent key only the ones it signed (verified, its name).
  app.delete('/rooms/:id/messages/:seq', async (c) => {
    const room = await roomParam(c, store, 'write');
    const seq = wholeNumber(c.req.param('seq'), 'The seq in the path', { min: 1, code: 'invalid_seq' });
    const notFound = () =>
      new HttpError(404, 'message_not_found', `Room ${room.id} has no message ${seq} (its seqs run to ${room.lastSeq}; retention may have dropped older ones).`);
    const principal = c.get('principal') as Principal;
    if (principal.kind === 'room' && principal.agent !== undefined) {
      const [message] = seq <= room.lastSeq ? await store.read(room.id, { after: seq - 1, limit: 1 }) : [];
      if (message?.seq !== seq) throw notFound();
      if (!message.verified || message.sender !== principal.agent) {
        throw new HttpError(403, 'forbidden', `An agent key may redact only its own messages; message ${seq} was not posted with this key (its name is "${principal.agent}"). Use the room's write key or the admin token.`);
      }
    }
    const redacted = await store.redact(room.id, seq);
    if (!redacted) throw notFound();
    return c.json(redacted satisfies Message);
  });

  return app;
}
