// A small fetch over node:http(s) for the CLI: Node's own fetch (undici) costs a one-shot command about 100 ms and
// 40 MB just to load. Connections are kept alive, so `wait` and `tail -f` reuse one socket from call to call.
import { Agent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { FetchInit, FetchLike, FetchResponse } from './client.js';

type Request = typeof httpRequest;

export function nodeFetch(): FetchLike {
  const agents = new Map<string, Agent>();
  const transport = async (protocol: string): Promise<{ request: Request; agent: Agent }> => {
    let agent = agents.get(protocol);
    // node:https is loaded only for an https:// server.
    const https = protocol === 'https:' ? await import('node:https') : undefined;
    if (!agent) agents.set(protocol, (agent = https ? new https.Agent({ keepAlive: true }) : new Agent({ keepAlive: true })));
    return { request: https ? https.request : httpRequest, agent };
  };

  return async (url, init) => {
    const target = new URL(url);
    const { request, agent } = await transport(target.protocol);
    const options = { method: init.method ?? 'GET', headers: headersFor(init), agent, ...(init.signal && { signal: init.signal }) };
    const send = () => exchange(request, target, options, init.body);
    try {
      return await send();
    } catch (err) {
      // A kept-alive socket the server closed while idle fails at once; a GET on a fresh one is safe to repeat.
      if ((init.method ?? 'GET') === 'GET' && (err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') return send();
      throw err;
    }
  };
}

function headersFor(init: FetchInit): Record<string, string | number> {
  return init.body === undefined ? { ...init.headers } : { ...init.headers, 'content-length': Buffer.byteLength(init.body) };
}

function exchange(request: Request, target: URL, options: RequestOptions, body: string | undefined): Promise<FetchResponse> {
  return new Promise((resolve, reject) => {
    const req = request(target, options, (res) => resolve(answer(res)));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

function answer(res: IncomingMessage): FetchResponse {
  const status = res.statusCode ?? 0;
  const text = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    headers: {
      get: (name) => {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: res,
    text,
    json: async () => JSON.parse(await text()) as unknown,
  };
}
