// The OpenAPI 3.1 document, generated from the route table and the zod schemas that validate requests.
import { z } from 'zod';
import { VERSION } from '../version.js';
import { errorBodySchema } from './response-schemas.js';
import { ROUTES, type RouteDoc } from './route-table.js';

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema as the client sends it; `$schema` is the document's own (3.1 uses 2020-12). */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
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
  }) as Json;
  return rest;
}

const errorAnswer = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: RouteDoc): Json {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, schema] of Object.entries(route.query ?? {})) {
    const { description, ...rest } = jsonSchema(schema);
    params.push({ name, in: 'query', required: false, schema: rest, ...(description !== undefined && { description }) } as never);
  }
  const ok = route.ok;
  const success =
    'schema' in ok
      ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(ok.schema) } } }
      : 'contentType' in ok ? { description: ok.description, content: { [ok.contentType]: {} } } : { description: ok.description };
  return {
    operationId: `${route.method}${route.path.replace(/[^a-zA-Z]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    tags: [route.family],
    ...(params.length > 0 && { parameters: params }),
    ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
    responses: {
      [ok.status]: success,
      ...(route.body && { 400: errorAnswer('Bad input: the message says what to fix'), 413: errorAnswer('The body is larger than --max-body') }),
      ...(route.auth && { 401: errorAnswer('No key, or an unknown one (auth on)'), 403: errorAnswer('A key without this right'), 429: errorAnswer('Too many requests or streams; see Retry-After') }),
      ...(route.path.includes(':id') && { 404: errorAnswer('No such room') }),
    },
    ...(!route.auth && { security: [] }),
  };
}

/** The whole document for a server at `baseUrl`. */
export function openApiDocument(baseUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method]: operation(route) };
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
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBodySchema) },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a room key (imw_/imr_) or the admin token' } },
    },
  };
}
