// MCP test helpers: the SDK's own Client over each transport (in memory, stdio, Streamable HTTP) and curl.
import { spawn } from 'node:child_process';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { buildMcpServer } from '../../src/mcp/server.js';
import { testApp } from './app.js';
import { BIN } from './server-process.js';
import { afterEachTest } from './hooks.js';

const open: McpClient[] = [];

afterEachTest(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => {})));
});

const newClient = () => new McpClient({ name: 'im-for-agents-test', version: '1.0.0' });

/** The MCP server over an in-process app, connected in memory: for what does not depend on the transport.
 *  `room`: a default room id, or true to create one in this app. */
export async function inMemoryMcp(options: { sender?: string; room?: string | true } = {}) {
  const { client: api, app } = await testApp();
  const room = options.room === true ? (await api.createRoom('default')).id : options.room;
  const server = buildMcpServer({ client: api, sender: options.sender ?? 'tester', ...(room && { room }) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = newClient();
  await client.connect(b);
  open.push(client);
  return { client, api, app, room };
}

export async function toolNames(): Promise<string[]> {
  const { client } = await inMemoryMcp();
  return (await client.listTools()).tools.map((t) => t.name);
}

/** `im-for-agents mcp` as a child process speaking stdio, pointed at a running server. */
export async function stdioMcp(server: string, args: string[] = []): Promise<McpClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--server', server, ...args],
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    stderr: 'pipe',
  });
  const client = newClient();
  await client.connect(transport);
  open.push(client);
  return client;
}

/** The server's own /mcp over Streamable HTTP. */
export async function httpMcp(url: string, headers: Record<string, string> = {}): Promise<McpClient> {
  const client = newClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  open.push(client);
  return client;
}

/** The JSON a tool answered with; fails on a tool error. */
export async function callJson<T = Record<string, unknown>>(client: McpClient, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as { type: string; text: string }[])[0]?.text ?? '';
  if (result.isError) throw new Error(`tool ${name} failed: ${text}`);
  return JSON.parse(text) as T;
}

/** The text of a tool error; fails when the call succeeded. */
export async function callError(client: McpClient, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError) throw new Error(`tool ${name} was expected to fail`);
  return (result.content as { text: string }[])[0]!.text;
}

/** Posts a message with the real curl program, as a person or a shell script would. */
export function curlPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const args = ['-sS', '-X', 'POST', url, '-H', 'Content-Type: application/json', '-d', JSON.stringify(body)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  return new Promise((resolve, reject) => {
    const proc = spawn('curl', args);
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('error', reject);
    proc.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited with ${code}`))));
  });
}
