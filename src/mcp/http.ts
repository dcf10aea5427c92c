// The same MCP tools over Streamable HTTP (stateless: a fresh server per request), calling the app in-process.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Client } from '../client/client.js';
import { buildMcpServer } from './server.js';

export interface McpHttpOptions {
  /** The app's own client for this caller (its key, address and hang-up): every tool call is an ordinary API
   *  request, checked by the same auth and validation. */
  client: Client;
  sender: string;
  room?: string;
  /** Largest request body, as for the rest of the API. */
  maxBodyBytes: number;
  /** The body, when the caller read it already. */
  parsedBody?: unknown;
}

/** Answers one /mcp request. */
export async function handleMcpRequest(request: Request, options: McpHttpOptions): Promise<Response> {
  const server = buildMcpServer({ client: options.client, sender: options.sender, ...(options.room && { room: options.room }) });
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
