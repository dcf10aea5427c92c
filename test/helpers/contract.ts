// Holds every answer the in-process API tests get to the OpenAPI document: its status must be documented for its
// route and method, and a JSON body must match the documented schema (ajv). testApp wraps app.request with it, so
// each API test file checks the contract as a side effect; a test that got a wrong answer fails in afterEach.
import { appendFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../src/api/openapi.js';
import { missingRoomId } from '../../src/server/missing-room-id.js';
import { afterEachTest } from './hooks.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

const DOC_ID = 'openapi.json';
const doc = openApiDocument('http://test') as unknown as Doc;
/** The document is the schema the answers' schemas point into (#/components/schemas/...); its other fields are
 *  unknown keywords to ajv, which strict: false ignores. */
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...doc, $id: DOC_ID });

/** Each documented path as a pattern; literal segments win over {params} (by fewer params first). */
const templates = Object.keys(doc.paths)
  .map((path) => ({ path, params: (path.match(/\{/g) ?? []).length, pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`) }))
  .sort((a, b) => a.params - b.params);

/** Set to a file to list every (operation, status, code) the tests reached, e.g. to see what no test provokes. */
const COVERAGE_LOG = process.env.IM_CONTRACT_LOG;

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const validators = new Map<string, ValidateFunction>();
function validatorFor(path: string, method: string, status: string, type: string): ValidateFunction {
  const ref = `${DOC_ID}#/${pointer('paths', path, method, 'responses', status, 'content', type, 'schema')}`;
  let validate = validators.get(ref);
  if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })));
  return validate;
}

/** What is wrong with this answer by the document, or undefined; answers of paths it does not describe (404
 *  not_found, 405 method_not_allowed, CORS preflights, a room path without its room id such as /agent/rooms/messages,
 *  which is no room's) are not an operation's and are left alone. */
export async function contractProblem(method: string, url: string, res: Response): Promise<string | undefined> {
  const path = new URL(url, 'http://test').pathname;
  const template = templates.find((t) => t.pattern.test(path));
  if (!template || method === 'OPTIONS' || method === 'HEAD' || res.status === 405 || missingRoomId(path)) return undefined;
  const m = method.toLowerCase();
  const op = doc.paths[template.path]![m];
  const where = `${method} ${template.path}`;
  if (!op) return `${where} answered ${res.status} but the document has no ${method} on this path`;
  const answer = op.responses[String(res.status)];
  const body = res.status === 204 || res.headers.get('content-type')?.startsWith('text/event-stream') ? '' : await res.clone().text();
  if (COVERAGE_LOG) appendFileSync(COVERAGE_LOG, `${where} ${res.status} ${/"code":"(\w+)"/.exec(body)?.[1] ?? ''}\n`);
  if (!answer) return `${where} answered ${res.status}, which the document does not list (${Object.keys(op.responses).join(', ')}): ${body.slice(0, 300)}`;
  const type = res.headers.get('content-type')?.split(';')[0]?.trim();
  const documented = Object.keys(answer.content ?? {});
  if (documented.length === 0) return type && body !== '' ? `${where} ${res.status} has a ${type} body, but the document lists none` : undefined;
  if (!type || !documented.includes(type)) return `${where} ${res.status} is ${type ?? 'untyped'}, but the document lists ${documented.join(', ')}`;
  if (answer.content?.[type]?.schema === undefined) return undefined;
  const validate = validatorFor(template.path, m, String(res.status), type);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `${where} ${res.status} says ${type} but its body is not JSON: ${body.slice(0, 200)}`;
  }
  if (validate(json)) return undefined;
  return `${where} ${res.status} does not match the document: ${ajv.errorsText(validate.errors)}; body ${body.slice(0, 300)}`;
}

const problems: string[] = [];

afterEachTest(() => {
  const found = problems.splice(0);
  if (found.length > 0) throw new Error(`Answers that break the OpenAPI document (src/api/route-table.ts, error-codes.ts):\n${found.join('\n')}`);
});

type RequestFn = (input: string | URL | Request, init?: RequestInit, ...rest: never[]) => Response | Promise<Response>;

/** Wraps an app's request function so each answer is checked against the document (a broken one fails the test). */
export function checkingContract<F extends RequestFn>(request: F): F {
  return (async (input: string | URL | Request, init?: RequestInit, ...rest: never[]) => {
    const res = await request(input, init, ...rest);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    const problem = await contractProblem(method, url, res);
    if (problem) problems.push(problem);
    return res;
  }) as F;
}
