// GET /openapi.json: a valid OpenAPI 3.1 document (linted by a maintained validator) covering every route served.
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, test } from 'vitest';
import { webhookApp } from '../helpers/webhook-app.js';

async function served() {
  const { app } = await webhookApp();
  const res = await app.request('http://127.0.0.1:4321/openapi.json');
  expect(res.status).toBe(200);
  return { app, doc: (await res.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, unknown>> } };
}

describe('GET /openapi.json', () => {
  test('is valid OpenAPI 3.1', async () => {
    const { doc } = await served();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  test('the validator catches a broken document (the lint can fail)', async () => {
    const { doc } = await served();
    const broken = structuredClone(doc) as unknown as { paths: Record<string, { get: { parameters: { in: string }[] } }> };
    broken.paths['/agent/rooms/{id}']!.get.parameters[0]!.in = 'body';
    expect((await validate(broken as never)).valid).toBe(false);
  });

  test('names the server it was fetched from', async () => {
    const { doc } = await served();
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:4321' }]);
  });

  test('every route the app serves is in it, with its method', async () => {
    const { app, doc } = await served();
    const routes = app.routes.filter((r) => !r.path.endsWith('*'));
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      const missing = `${r.method} ${r.path} is served but not in src/api/route-table.ts`;
      expect(doc.paths, missing).toHaveProperty([path]);
      if (r.method !== 'ALL') expect(doc.paths[path], missing).toHaveProperty([r.method.toLowerCase()]);
    }
  });

  test('request bodies come from the validating zod schemas', async () => {
    const { doc } = await served();
    const body = (doc.paths['/agent/rooms'] as { post: { requestBody: { content: Record<string, { schema: unknown }> } } }).post.requestBody;
    expect(body.content['application/json']!.schema).toMatchObject({ type: 'object', required: ['name'], properties: { name: { maxLength: 200 } } });
  });
});
