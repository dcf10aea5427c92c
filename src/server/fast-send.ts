// The hot path: a send answered straight from Node's request, through the same gate and send function as the app.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { describeError } from './errors.js';
import { factsOf, type Gate } from './gate/gate.js';
import { readNodeBody } from './request.js';
import { postMessages, type SendDeps } from './send.js';

export interface FastSendDeps extends SendDeps {
  gate: Gate;
  log: (message: string) => void;
}

// Only plain room ids: anything the router would decode or treat differently goes to the app.
const SEND_PATH = /^\/agent\/rooms\/([^/?%]+)\/messages(?:\?|$)/;

/**
 * Wraps the app's Node listener. `POST /agent/rooms/:id/messages` is answered here without building web Request and
 * Response objects: the same gate (Host, Origin, rate limit, key), the same postMessages, the same error mapping and
 * headers as the route in routes/messages.ts. Everything else goes to the app untouched.
 */
export function withFastSend(deps: FastSendDeps, app: RequestListener): RequestListener {
  async function send(incoming: IncomingMessage, outgoing: ServerResponse, roomId: string): Promise<void> {
    const facts = factsOf(incoming.headers, incoming.socket.remoteAddress, incoming.socket);
    const { requestId, headers } = deps.gate.open(facts);
    let status: number;
    let json: string;
    try {
      const { principal } = await deps.gate.pass(facts);
      const answer = await postMessages(deps, {
        roomId,
        principal,
        contentType: incoming.headers['content-type'],
        readBody: (max) => readNodeBody(incoming, max),
      });
      ({ status, json } = answer);
    } catch (err) {
      const error = describeError(err, requestId, `[${requestId}] POST ${incoming.url}`, deps.log);
      status = error.status;
      json = JSON.stringify(error.body);
      Object.assign(headers, error.headers);
    }
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(json));
    outgoing.writeHead(status, headers).end(json);
  }

  return (incoming, outgoing) => {
    const roomId = incoming.method === 'POST' ? SEND_PATH.exec(incoming.url ?? '')?.[1] : undefined;
    if (roomId === undefined) return app(incoming, outgoing);
    send(incoming, outgoing, roomId).catch((err: unknown) => {
      deps.log(`unexpected error on POST ${incoming.url}: ${(err as Error)?.stack ?? String(err)}`);
      outgoing.destroy();
    });
  };
}
