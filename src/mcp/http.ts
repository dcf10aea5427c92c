// The same MCP tools over Streamable HTTP (stateless: a fresh server per request), calling the app in-process.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Client } from '../client/client.js';
import { buildMcpServer } from './server.js';

export interface McpHttpOptions {
  /** The app's own fetch: every tool call is an ordinary API request, checked by the same auth and validation. */
  appFetch: (request: Request) => Response | Promise<Response>;
  sender: string;
  room?: string;
  /** Largest request body, as for the rest of the API. */
  maxBodyBytes: number;
  /** The body, when the caller read it already. */
  parsedBody?: unknown;
}

/** Answers one /mcp request. The caller's Authorization header goes on every API call the tools make. */
export async function handleMcpRequest(request: Request, options: McpHttpOptions): Promise<Response> {
  const authorization = request.headers.get('authorization');
  const hangUp = request.signal;
  const client = new Client({
    baseUrl: new URL(request.url).origin,
    fetch: async (input, init = {}) => {
      const headers = new Headers(init.headers);
      if (authorization) headers.set('authorization', authorization);
      const signal = init.signal ? AbortSignal.any([init.signal, hangUp]) : hangUp;
      return options.appFetch(new Request(input, { ...init, headers, signal }));
    },
  });
  const server = buildMcpServer({ client, sender: options.sender, ...(options.room && { room: options.room }) });
  // SSE answers, not one JSON body: headers go out at once and keep-alives flow, so a long wait outlives proxies'
  // and fetch's header timeouts, and its progress notifications reach the client.
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, maxRequestBodySize: options.maxBodyBytes });
  await server.connect(transport);
  const close = () => void server.close();
  try {
    return whenBodyEnds(await transport.handleRequest(request, options.parsedBody === undefined ? {} : { parsedBody: options.parsedBody }), close);
  } catch (err) {
    close();
    throw err;
  }
}

/** The same answer, calling `done` once its body has been read to the end or cancelled (at once if it has none). */
function whenBodyEnds(response: Response, done: () => void): Response {
  if (!response.body) {
    done();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: ended, value } = await reader.read();
        if (!ended) return controller.enqueue(value);
        controller.close();
      } catch (err) {
        controller.error(err);
      }
      done();
    },
    async cancel(reason) {
      await reader.cancel(reason);
      done();
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
