// Webhook routes under /agent: add, list, show, remove and resume a room's hooks, with the room routes' auth checks.
import { Hono } from 'hono';
import { parseWebhookInput, type WebhookList } from '../api/webhooks.js';
import type { ServerDeps } from '../server/context.js';
import type { AppEnv } from '../server/env.js';
import { parsedJson } from '../server/request.js';
import { managedRoom, roomParam } from '../server/routes/room-param.js';
import type { Webhooks } from './webhooks.js';

export function webhookRoutes({ store, maxBodyBytes }: ServerDeps, hooks: Webhooks): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Adding, removing and resuming hooks manage the room: its write key or the admin token, not an agent key.
  app.post('/rooms/:id/webhooks', async (c) => {
    const room = await managedRoom(c, store, 'Adding a webhook');
    const input = await parsedJson(c, maxBodyBytes, parseWebhookInput, 'invalid_webhook');
    return c.json(await hooks.add(room, input, new URL(c.req.url).origin), 201);
  });

  app.get('/rooms/:id/webhooks', async (c) => {
    const room = await roomParam(c, store, 'read');
    return c.json({ roomId: room.id, webhooks: await hooks.list(room.id) } satisfies WebhookList);
  });

  app.get('/rooms/:id/webhooks/:hookId', async (c) => {
    const room = await roomParam(c, store, 'read');
    return c.json(await hooks.get(room.id, c.req.param('hookId')));
  });

  app.delete('/rooms/:id/webhooks/:hookId', async (c) => {
    const room = await managedRoom(c, store, 'Removing a webhook');
    return c.json(await hooks.remove(room.id, c.req.param('hookId')));
  });

  app.post('/rooms/:id/webhooks/:hookId/resume', async (c) => {
    const room = await managedRoom(c, store, 'Resuming a webhook');
    return c.json(await hooks.resume(room.id, c.req.param('hookId')));
  });

  return app;
}
