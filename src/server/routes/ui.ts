// The bundled web UI, served from an absolute path with revalidating cache headers.
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

export function uiRoutes(root: string): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    // Revalidate every time (serveStatic answers 304-free but small files); set before the answer is built.
    c.header('Cache-Control', 'no-cache');
    await next();
  });
  // No SPA fallback: the UI routes with #hash, so an unknown path is an honest 404.
  app.get('*', serveStatic({ root }));
  return app;
}
