// The bundled web UI, served from an absolute path with revalidating cache headers.
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

export function uiRoutes(root: string): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    if (c.res.ok) c.header('Cache-Control', 'no-cache');
  });
  // No SPA fallback: the UI routes with #hash, so an unknown path is an honest 404.
  app.get('*', serveStatic({ root }));
  return app;
}
