// `im-for-agents mcp`: the MCP server on stdin/stdout, a client of a running server over HTTP.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Client } from '../client/client.js';
import { buildMcpServer } from './server.js';
import { enableSubscriptions } from './subscriptions.js';

export interface StdioOptions {
  server: string;
  /** Who the agent is; default the agent key's name, else "mcp". */
  sender?: string;
  key?: string;
  room?: string;
  /** Diagnostics: stdout is the protocol's, so they go to stderr. */
  log: (message: string) => void;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** Serves until the client closes stdin; resolves then. */
export async function runStdioServer(options: StdioOptions): Promise<void> {
  const client = new Client({ baseUrl: options.server, ...(options.key && { key: options.key }) });
  const server = buildMcpServer({ client, keyNames: Boolean(options.key), ...(options.sender !== undefined && { sender: options.sender }), ...(options.room && { room: options.room }) });
  const stopSubscriptions = enableSubscriptions(server, client, options.log);
  const stdin = options.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin as typeof process.stdin, (options.stdout ?? process.stdout) as typeof process.stdout);
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  // A missing key would only show as failed tool calls: say so once, where the person who set this up looks.
  if (!options.key) {
    void client.health().then(
      (h) => h.auth && options.log(`warning: ${options.server} has auth on; give --key or IM_KEY (a room key or the admin token)`),
      () => options.log(`warning: no im-for-agents server answers at ${options.server} yet; tools will fail until one does`),
    );
  }
  // The SDK's transport does not notice the end of stdin; the client closing it is how stdio servers are stopped.
  stdin.once('end', () => void server.close());
  await closed;
  stopSubscriptions();
}
