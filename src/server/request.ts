// Reading request input: the JSON body and the numeric query parameters, each failing with a 4xx that says what to fix.
import type { Context } from 'hono';
import { HttpError } from './errors.js';

/** Parses the body as JSON. Requires a JSON content type, which also keeps other web pages from posting here. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Send the body as JSON with the header "Content-Type: application/json" (got ${type ? `"${type}"` : 'none'}).`,
    );
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'The body is empty; send a JSON object.');
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
