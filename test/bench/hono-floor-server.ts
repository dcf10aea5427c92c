// A second reference: Hono on @hono/node-server (the stack this server is built on), parsing the JSON body and
// answering 201 without storing it. Between it and the bare node:http ceiling lies the framework's own cost.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/', async (c) => {
  let body: { sender?: unknown };
  try {
    body = (await c.req.json()) as typeof body;
  } catch {
    return c.body(null, 400);
  }
  return c.body(JSON.stringify({ ok: true, sender: body.sender }), 201, { 'content-type': 'application/json' });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
