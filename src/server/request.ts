// Reading request input: the JSON body and the numeric query parameters, each failing with a 4xx that says what to fix.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { MAX_METADATA_DEPTH, MAX_RPC_DEPTH } from '../api/limits.js';
import { nestedDeeperThan, type ParseResult } from '../api/schemas.js';
import type { WaitFilter } from '../api/wait-rule.js';
import { nodeOf } from './env.js';
import { HttpError } from './errors.js';

/** application/json, or a JSON-based type such as application/merge-patch+json, with any parameters. */
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** A JSON content type is required, which also keeps other web pages from posting here with a plain form. */
export function requireJsonType(type: string | undefined): void {
  if (JSON_CONTENT_TYPE.test((type ?? '').trim())) return;
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Send the body as JSON with the header "Content-Type: application/json" (got ${type ? `"${type}"` : 'none'}).`,
  );
}

/** Parses a body's text as JSON; a leading byte-order mark is tolerated, as JSON.parse would not. */
export function parseJsonText(text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!/\S/.test(text)) throw new HttpError(400, 'invalid_json', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON: ${(err as Error).message}.`);
  }
}

const tooLarge = (max: number) =>
  new HttpError(413, 'body_too_large', `The body is larger than ${max} bytes, the server's limit (--max-body).`);

/** A refused body is read off the socket and dropped, up to this much, before the 413 goes out: a client that writes
 *  the whole body before reading (Python's urllib, which also asks to close the connection) then reads the 413 instead
 *  of a reset. Past DISCARD_BYTES or DISCARD_MS the connection is cut without an answer. */
const DISCARD_BYTES = 64 * 1024 * 1024;
const DISCARD_MS = 10_000;

function discardRest(incoming: IncomingMessage): Promise<void> {
  if (incoming.readableEnded || incoming.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const cut = () => incoming.socket?.destroy();
    const timer = setTimeout(cut, DISCARD_MS).unref();
    incoming.removeAllListeners('data');
    incoming.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DISCARD_BYTES) cut();
    });
    incoming.once('end', () => (clearTimeout(timer), resolve()));
    incoming.once('close', () => (clearTimeout(timer), resolve()));
    incoming.resume();
  });
}

/** The body of a Node request as text, refused past `max` bytes (by its Content-Length, or as it arrives). */
export async function readNodeBody(incoming: IncomingMessage, max: number): Promise<string> {
  if (Number(incoming.headers['content-length'] ?? NaN) > max) {
    await discardRest(incoming);
    throw tooLarge(max);
  }
  const text = await new Promise<string | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      chunks.length = 0;
      resolve(undefined);
    });
    // One chunk is the usual small body: decoded as it is, without copying it first.
    incoming.once('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8')));
    incoming.once('error', reject);
    incoming.once('aborted', () => reject(new HttpError(400, 'body_incomplete', 'The body ended before Content-Length bytes arrived.')));
  });
  if (text !== undefined) return text;
  await discardRest(incoming);
  throw tooLarge(max);
}

/** The body as text, refused past `max` bytes. On Node it reads the socket directly: building a web Request just
 *  to read a small JSON body costs more than the rest of a send (see the README's Performance section). */
export async function bodyText(c: Context, max: number): Promise<string> {
  const { incoming } = nodeOf(c);
  if (incoming) return readNodeBody(incoming, max);
  if (Number(c.req.header('content-length') ?? NaN) > max) throw tooLarge(max);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > max) throw tooLarge(max);
  return new TextDecoder().decode(bytes);
}

/** Parses the body as JSON, after checking its content type. */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  requireJsonType(c.req.header('content-type'));
  return parseJsonText(await bodyText(c, maxBytes));
}

/** A JSON-RPC body (A2A, /mcp): readJson, and a 400 for nesting deeper than MAX_RPC_DEPTH, which the protocol SDKs
 *  would meet with a stack overflow. */
export async function readRpcJson(c: Context, maxBytes: number): Promise<unknown> {
  const body = await readJson(c, maxBytes);
  if (nestedDeeperThan(body, MAX_RPC_DEPTH)) {
    throw new HttpError(400, 'too_deep', `The body is nested more than ${MAX_RPC_DEPTH} levels deep; metadata may be nested at most ${MAX_METADATA_DEPTH} levels.`);
  }
  return body;
}

/** readRpcJson for a JSON-RPC endpoint (A2A, /mcp): a refused body is answered in JSON-RPC's words, with the HTTP
 *  status the API would give it: -32700 for JSON that does not parse, -32600 for the rest (too deep, too large, not
 *  JSON's media type). */
export async function readRpcBody(c: Context, maxBytes: number): Promise<{ body: unknown } | { refusal: Response }> {
  try {
    return { body: await readRpcJson(c, maxBytes) };
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    const error = { code: err.code === 'invalid_json' ? -32700 : -32600, message: err.message };
    return { refusal: c.json({ jsonrpc: '2.0', id: null, error }, err.status) };
  }
}

/** The JSON body as `parse` checks it, or a 400 with `code` and parse's words on what to fix. */
export async function parsedJson<T>(c: Context, maxBytes: number, parse: (body: unknown) => ParseResult<T>, code: string): Promise<T> {
  const parsed = parse(await readJson(c, maxBytes));
  if (!parsed.ok) throw new HttpError(400, code, parsed.message);
  return parsed.value;
}

interface IntOptions {
  min: number;
  max?: number;
  /** The error code of a refusal; `invalid_query` unless told. */
  code?: string;
}

/** A whole number (a safe integer) within [min, max], or a 400 with `code` that names the input and the range. */
export function wholeNumber(raw: string, name: string, { min, max, code = 'invalid_query' }: IntOptions): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
    throw new HttpError(400, code, `${name} must be a whole number ${range} (got "${raw}").`);
  }
  return value;
}

/** An optional whole-number query parameter. */
export function queryInt(c: Context, name: string, options: IntOptions): number | undefined {
  const raw = c.req.query(name);
  return raw === undefined || raw === '' ? undefined : wholeNumber(raw, name, options);
}

/** An optional number of seconds, fractions allowed, clamped to `max`. */
export function querySeconds(c: Context, name: string, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new HttpError(400, 'invalid_query', `${name} must be a number of seconds, such as 30 (got "${raw}").`);
  }
  return Math.min(value, max);
}

/** The wait rule's filters from the query: `from`, `to` and `type`, each a non-empty name when given. */
export function waitFilter(c: Context): WaitFilter {
  const filter: WaitFilter = {};
  for (const key of ['from', 'to', 'type'] as const) {
    const value = c.req.query(key);
    if (value === undefined) continue;
    if (value.trim() === '') throw new HttpError(400, 'invalid_query', `${key} must not be empty: give a name (or leave ${key} out).`);
    filter[key] = value;
  }
  return filter;
}
