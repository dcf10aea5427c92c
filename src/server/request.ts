// Reading request input: the JSON body and the numeric query parameters, each failing with a 4xx that says what to fix.
import type { HttpBindings } from '@hono/node-server';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { HttpError } from './errors.js';

/** application/json, or a JSON-based type such as application/merge-patch+json, with any parameters. */
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

const STASHED = Symbol('body');
interface StashedBody {
  text: string;
  /** Present when the text already parsed as JSON. */
  parsed?: { value: unknown };
}
type WithStash = IncomingMessage & { [STASHED]?: StashedBody };

/** Keeps a body that was already read off the socket (by the fast send path), so readJson takes it from here. */
export function stashBody(incoming: IncomingMessage, body: StashedBody): void {
  (incoming as WithStash)[STASHED] = body;
}

const stashed = (c: Context): StashedBody | undefined => ((c.env as Partial<HttpBindings> | undefined)?.incoming as WithStash | undefined)?.[STASHED];

const tooLarge = (max: number) =>
  new HttpError(413, 'body_too_large', `The body is larger than ${max} bytes, the server's limit (--max-body).`);

/**
 * The body as text, refused past `max` bytes. On Node it reads the socket directly: building a web Request just
 * to read a small JSON body costs more than the rest of a send (see the README's Performance section).
 */
async function bodyText(c: Context, max: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > max) throw tooLarge(max);
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function') {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length > max) throw tooLarge(max);
    return new TextDecoder().decode(bytes);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(tooLarge(max));
      } else chunks.push(chunk);
    });
    incoming.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    incoming.once('error', reject);
    incoming.once('aborted', () => reject(new HttpError(400, 'body_incomplete', 'The body ended before Content-Length bytes arrived.')));
  });
}

/** Parses the body as JSON. Requires a JSON content type, which also keeps other web pages from posting here. */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_CONTENT_TYPE.test(type.trim())) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Send the body as JSON with the header "Content-Type: application/json" (got ${type ? `"${type}"` : 'none'}).`,
    );
  }
  const early = stashed(c);
  if (early?.parsed) return early.parsed.value;
  let text = early?.text ?? (await bodyText(c, maxBytes));
  // A leading byte-order mark is tolerated, as JSON.parse would not.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!/\S/.test(text)) throw new HttpError(400, 'invalid_json', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON: ${(err as Error).message}.`);
  }
}

interface IntOptions {
  min: number;
  max?: number;
}

/** An optional whole-number query parameter. */
export function queryInt(c: Context, name: string, { min, max }: IntOptions): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
    throw new HttpError(400, 'invalid_query', `${name} must be a whole number ${range} (got "${raw}").`);
  }
  return value;
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
