// GET /openapi.json and GET /llms.txt: the API described for programs and for LLMs, with this server's URL.
import { Hono, type Context } from 'hono';
import { llmsTxt } from '../../api/llms-txt.js';
import { openApiDocument } from '../../api/openapi.js';
import type { AppEnv } from '../env.js';

/** The URL this caller reached the server at. */
const baseUrl = (c: Context): string => new URL(c.req.url).origin;

export function apiDocRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/openapi.json', (c) => c.json(openApiDocument(baseUrl(c))));
  app.get('/llms.txt', (c) => c.text(llmsTxt(baseUrl(c))));
  return app;
}
