// The client MCP's tools and A2A's methods call this app through, in-process: every call is an ordinary API request
// that carries the caller's key, counts against the caller's address (rate limit, stream caps) and ends when the
// caller hangs up.
import type { Context } from 'hono';
import { Client, type FetchInit } from '../client/client.js';
import { hangUp, nodeOf, type AppEnv } from './env.js';

/** The whole app's fetch, called with the caller's address as a binding. */
export type AppFetch = (request: Request, env: AppEnv['Bindings']) => Response | Promise<Response>;

/** A client of `appFetch` acting for the caller of request `c`. */
export function callerClient(c: Context<AppEnv>, appFetch: AppFetch): Client {
  const authorization = c.req.header('authorization');
  const remoteAddress = nodeOf(c).incoming?.socket?.remoteAddress ?? c.env?.remoteAddress;
  const env: AppEnv['Bindings'] = remoteAddress ? { remoteAddress } : {};
  const caller = hangUp(c);
  return new Client({
    baseUrl: new URL(c.req.url).origin,
    fetch: async (input: string, init: FetchInit) => {
      const headers = new Headers(init.headers);
      if (authorization) headers.set('authorization', authorization);
      const signal = init.signal ? AbortSignal.any([init.signal, caller]) : caller;
      return endsOnAbort(await appFetch(new Request(input, { ...init, headers, signal }), env), signal);
    },
  });
}

/**
 * Like the global fetch, an abort also ends a body being read: the caller's hang-up then ends an inner SSE stream
 * at once, where a body left open would hold the stream's slot until the room's next message.
 */
function endsOnAbort(res: Response, signal: AbortSignal): Response {
  if (!res.body) return res;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
