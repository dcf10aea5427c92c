// Webhook routes under /agent: add, list, show, remove and resume a room's hooks, with the room routes' auth checks.
import { Hono } from 'hono';
import { parseWebhookInput, type WebhookList } from '../api/webhooks.js';
import { authorizeManage, authorizeRoom } from '../server/auth/principal.js';
import type { ServerDeps } from '../server/context.js';
import type { AppEnv } from '../server/env.js';
import { HttpError } from '../server/errors.js';
import { readJson } from '../server/request.js';
import { findRoom } from '../server/routes/room-param.js';
import type { Webhooks } from './webhooks.js';

export function webhookRoutes({ store, maxBodyBytes }: ServerDeps, hooks: Webhooks): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Adding, removing and resuming hooks manage the room: its write key or the admin token, not an agent key.
  app.post('/rooms/:id/webhooks', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Adding a webhook');
    const room = await findRoom(store, c.req.param('id'));
    const parsed = parseWebhookInput(await readJson(c, maxBodyBytes));
    if (!parsed.ok) throw new HttpError(400, 'invalid_webhook', parsed.message);
    return c.json(await hooks.add(room, parsed.value), 201);
  });

  app.get('/rooms/:id/webhooks', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    return c.json({ roomId: room.id, webhooks: await hooks.list(room.id) } satisfies WebhookList);
  });

  app.get('/rooms/:id/webhooks/:hookId', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    return c.json(await hooks.get(room.id, c.req.param('hookId')));
  });

  app.delete('/rooms/:id/webhooks/:hookId', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Removing a webhook');
    const room = await findRoom(store, c.req.param('id'));
    return c.json(await hooks.remove(room.id, c.req.param('hookId')));
  });

  app.post('/rooms/:id/webhooks/:hookId/resume', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Resuming a webhook');
    const room = await findRoom(store, c.req.param('id'));
    return c.json(await hooks.resume(room.id, c.req.param('hookId')));
  });

  return app;
}
