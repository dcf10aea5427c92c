// The JSON-RPC endpoint: A2A v1.0 methods (SendMessage...) and v0.3 ones (message/send...) dispatched by the official
// SDK's transport handlers to the room agent; streams go out as Server-Sent Events. Loaded on the first A2A call.
import { AgentCard } from '@a2a-js/sdk';
import { isLegacyJsonRpcMethod, isV1JsonRpcMethod } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { JsonRpcTransportHandler, ServerCallContext, validateVersion } from '@a2a-js/sdk/server';
import type { Client } from '../client/client.js';
import { agentCard } from './card.js';
import { RoomAgent, type RoomAgentDeps } from './room-agent.js';
import type { SendOnce } from '../store/fleet-contract.js';

export interface RpcCall {
  /** The parsed request body. */
  body: unknown;
  /** The A2A-Version header; absent means 0.3. */
  version: string | undefined;
  /** This app's client for the caller: its key, address and hang-up go on every room call. */
  client: Client;
  /** The agent name of the caller's agent key, if it is one: the sender when metadata names none. */
  agent?: string;
  /** This server as the caller reached it, e.g. http://127.0.0.1:7331. */
  origin: string;
  auth: boolean;
  sent: SendOnce;
  heartbeatMs: number;
  /** Fires when the caller hangs up. */
  hangUp: AbortSignal;
  onRedact?: RoomAgentDeps['onRedact'];
}

type Envelope = { jsonrpc: string; id: string | number | null; result?: unknown; error?: { code: number; message: string; data?: unknown } };

const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' };

/** Errors about the caller (no key, wrong key, too fast) keep their HTTP status; other JSON-RPC errors answer 200. */
function statusOf(envelope: Envelope): number {
  const code = envelope.error?.code;
  return code === 401 || code === 403 || code === 429 ? code : 200;
}

export async function handleRpc(call: RpcCall): Promise<Response> {
  const request = call.body as { method?: unknown; id?: unknown } | null;
  // v0.3 method names are `noun/verb`, v1.0 ones PascalCase; anything else is answered the v0.3 way, as the SDK does.
  const legacy = isLegacyJsonRpcMethod(request?.method) || !isV1JsonRpcMethod(request?.method);
  const mapError = legacy ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError : JsonRpcTransportHandler.mapToJSONRPCError;
  const id = typeof request?.id === 'string' || typeof request?.id === 'number' ? request.id : null;

  const abort = new AbortController();
  call.hangUp.addEventListener('abort', () => abort.abort(), { once: true });
  const card = AgentCard.fromJSON(agentCard(call.origin, { auth: call.auth, version: '1.0' }));
  const agent = new RoomAgent({ client: call.client, card, sent: call.sent, signal: abort.signal, ...(call.agent && { defaultSender: call.agent }), ...(call.onRedact && { onRedact: call.onRedact }) });
  const context = new ServerCallContext({ ...(call.version && { requestedVersion: call.version }) });

  let answer: Envelope | AsyncGenerator<Envelope>;
  try {
    validateVersion(context.requestedVersion, card, 'JSONRPC');
    answer = (await (legacy ? new LegacyJsonRpcTransportHandler(agent) : new JsonRpcTransportHandler(agent)).handle(request as Record<string, unknown>, context)) as
      | Envelope
      | AsyncGenerator<Envelope>;
  } catch (err) {
    answer = { jsonrpc: '2.0', id, error: mapError(err) };
  }
  if (!(Symbol.asyncIterator in answer)) {
    const envelope = answer as Envelope;
    return new Response(JSON.stringify(envelope), { status: statusOf(envelope), headers: JSON_HEADERS });
  }

  // A stream: its first event decides between an SSE answer and a plain JSON-RPC error (e.g. no such room).
  const events = answer;
  let first: IteratorResult<Envelope>;
  try {
    first = await events.next();
  } catch (err) {
    const envelope: Envelope = { jsonrpc: '2.0', id, error: mapError(err) };
    return new Response(JSON.stringify(envelope), { status: statusOf(envelope), headers: JSON_HEADERS });
  }
  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(`data: ${JSON.stringify(first.value)}\n\n`));
      // Keeps proxies from closing a quiet room's stream.
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(': ping\n\n')), call.heartbeatMs);
    },
    async pull(controller) {
      try {
        const next = await events.next();
        if (!next.done) return controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`));
      } catch (err) {
        if (!abort.signal.aborted) {
          controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, error: mapError(err) })}\n\n`));
        }
      }
      clearInterval(heartbeat);
      controller.close();
    },
    cancel() {
      clearInterval(heartbeat);
      abort.abort();
      void events.return(undefined);
    },
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
