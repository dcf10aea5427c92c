// The OpenAPI 3.1 document, generated from the route table and the zod schemas that validate requests.
import { z } from 'zod';
import { VERSION } from '../version.js';
import { ERROR_CODES, EVERY_ROUTE, GATED, IN_A_ROOM, JSON_BODY, KEYED, passesGate, type ErrorCode } from './error-codes.js';
import { inboxAckSchema, inboxCursorSchema, inboxSchema } from './inbox.js';
import { presenceSchema } from './presence.js';
import {
  agentListSchema,
  agentSchema,
  createdAgentSchema,
  createdRoomSchema,
  createdWebhookSchema,
  errorBodySchema,
  healthSchema,
  historySchema,
  jsonRpcErrorSchema,
  messageSchema,
  roomListSchema,
  roomSchema,
  rotatedKeysSchema,
  webhookListSchema,
  webhookSchema,
} from './response-schemas.js';
import { ROUTES, type RouteDoc } from './route-table.js';
import { createAgentSchema, createRoomSchema, messageInputSchema, patchRoomSchema } from './schemas.js';
import { webhookInputSchema } from './webhook-schema.js';

type Json = Record<string, unknown>;

/** The schemas generated clients get by name (components/schemas). `ErrorResponse`, not `Error`: a type named Error
 *  would shadow the global one in generated code. */
const NAMED: [string, z.ZodType][] = [
  ['Room', roomSchema],
  ['CreatedRoom', createdRoomSchema],
  ['RoomList', roomListSchema],
  ['RotatedKeys', rotatedKeysSchema],
  ['Message', messageSchema],
  ['History', historySchema],
  ['NewMessage', messageInputSchema],
  ['CreateRoom', createRoomSchema],
  ['UpdateRoom', patchRoomSchema],
  ['Agent', agentSchema],
  ['CreatedAgent', createdAgentSchema],
  ['AgentList', agentListSchema],
  ['CreateAgent', createAgentSchema],
  ['Webhook', webhookSchema],
  ['CreatedWebhook', createdWebhookSchema],
  ['WebhookList', webhookListSchema],
  ['NewWebhook', webhookInputSchema],
  ['Inbox', inboxSchema],
  ['InboxCursor', inboxCursorSchema],
  ['InboxAck', inboxAckSchema],
  ['Presence', presenceSchema],
  ['Health', healthSchema],
  ['ErrorResponse', errorBodySchema],
  ['JsonRpcError', jsonRpcErrorSchema],
];

const registry = z.registry<{ id: string }>();
for (const [id, schema] of NAMED) registry.add(schema, { id });

const COMPONENTS = '#/components/schemas/';
/** The tag of the JSON-RPC endpoints, for generators that filter by tag (hey-api, orval). */
export const JSON_RPC_TAG = 'json-rpc';

/** JSON Schema of a zod schema as the client sends it; named schemas become $refs into `components`, which collects
 *  them. `$schema` is the document's own (3.1 uses 2020-12). */
function jsonSchema(schema: z.ZodType, components: Record<string, Json>): Json {
  const { $schema: _, $defs, ...rest } = z.toJSONSchema(schema, {
    metadata: registry,
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    // Checked by custom rules, not types: describe them for readers.
    override: ({ jsonSchema: s, path }) => {
      // zod's int() bounds are the safe-integer range: true, and noise to a reader.
      if (s.type === 'integer' && s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
      if (s.type === 'integer' && s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
      if (path.at(-1) === 'metadata' && Object.keys(s).length === 0) Object.assign(s, { type: 'object', description: 'any JSON object, nested at most 8 levels' });
    },
  }) as Json & { $defs?: Record<string, Json> };
  const toComponents = (s: Json): Json => JSON.parse(JSON.stringify(s).replaceAll('"#/$defs/', `"${COMPONENTS}`)) as Json;
  for (const [id, def] of Object.entries($defs ?? {})) components[id] = toComponents(def);
  return toComponents(rest);
}

/** The error codes a route answers: those of every route, of its gate, key, body and room, and its own. */
export function errorCodesOf(route: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(EVERY_ROUTE);
  if (passesGate(route.path)) GATED.forEach((c) => codes.add(c));
  if (route.auth) KEYED.forEach((c) => codes.add(c));
  if (route.body) JSON_BODY.forEach((c) => codes.add(c));
  if (route.path.startsWith('/agent/rooms/:id')) IN_A_ROOM.forEach((c) => codes.add(c));
  route.errors?.forEach((c) => codes.add(c));
  return [...codes];
}

/** The body errors a JSON-RPC endpoint answers in JSON-RPC's words (the A2A route and MCP's transport do so). */
const JSON_RPC_BODY_STATUSES = new Set([400, 406, 413, 415]);
const jsonRpcAnswer = (description: string): Json => ({
  description: `as a JSON-RPC error: ${description}`,
  content: { 'application/json': { schema: { $ref: `${COMPONENTS}JsonRpcError` } } },
});

/** One answer per error status: ErrorResponse whose code is one of the route's codes with that status (a JSON-RPC
 *  error for a JSON-RPC endpoint's body errors), and the statuses a protocol's transport answers itself. */
function errorAnswers(route: RouteDoc): Record<number, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const status = ERROR_CODES[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const answers: Record<number, Json> = {};
  const rpc = (status: number) => route.jsonRpc === true && JSON_RPC_BODY_STATUSES.has(status);
  for (const [status, what] of Object.entries(route.transportAnswers ?? {})) {
    const codes = byStatus.get(Number(status)) ?? [];
    const description = [what, ...codes.map((c) => ERROR_CODES[c][1])].join('; ');
    answers[Number(status)] = status === '202' ? { description: what } : jsonRpcAnswer(description);
  }
  for (const [status, codes] of byStatus) {
    if (answers[status]) continue;
    if (rpc(status)) {
      answers[status] = jsonRpcAnswer(codes.map((c) => ERROR_CODES[c][1]).join('; '));
      continue;
    }
    answers[status] = {
      description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c][1]}`).join('; '),
      content: {
        'application/json': {
          schema: { allOf: [{ $ref: `${COMPONENTS}ErrorResponse` }, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } }] },
        },
      },
    };
  }
  return answers;
}

function operation(route: RouteDoc, components: Record<string, Json>): Json {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, schema] of Object.entries(route.query ?? {})) {
    const { description, ...rest } = jsonSchema(schema, components);
    params.push({ name, in: 'query', required: false, schema: rest, ...(description !== undefined && { description }) } as never);
  }
  const ok = route.ok;
  const success =
    'schema' in ok
      ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(ok.schema, components) } } }
      : 'contentType' in ok
        ? { description: ok.description, content: Object.fromEntries([ok.contentType].flat().map((type) => [type, {}])) }
        : { description: ok.description };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: route.jsonRpc ? [route.family, JSON_RPC_TAG] : [route.family],
    ...(params.length > 0 && { parameters: params }),
    ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, components) } } } }),
    // A JSON-RPC endpoint answers its protocol's own errors (in a 200 or with these statuses): generators of REST
    // clients skip it (x-internal is openapi-typescript's and Redocly's mark), protocol clients do not need it.
    responses: { [ok.status]: success, ...errorAnswers(route) },
    ...(route.jsonRpc && { 'x-internal': true }),
    ...(!route.auth && { security: [] }),
  };
}

/** The whole document for a server at `baseUrl`. */
export function openApiDocument(baseUrl: string): Json {
  const paths: Record<string, Json> = {};
  const components: Record<string, Json> = {};
  for (const [, schema] of NAMED) jsonSchema(schema, components);
  for (const route of ROUTES) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method]: operation(route, components) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'im-for-agents',
      version: VERSION,
      description: 'Rooms where AI agents talk over HTTP. With auth on, send Authorization: Bearer KEY (a room key or the admin token).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: baseUrl }],
    security: [{ bearer: [] }, {}],
    tags: [
      ...[...new Set(ROUTES.map((r) => r.family))].map((name) => ({ name })),
      { name: JSON_RPC_TAG, description: 'JSON-RPC endpoints for MCP and A2A clients; leave them out of generated REST clients (they are also x-internal)' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a room key (imw_/imr_) or the admin token' } },
    },
  };
}
