// Webhook routes under /agent: add, list, show, remove and resume a room's hooks, with the room routes' auth checks.
import { Hono } from 'hono';
import { parseWebhookInput } from '../../api/webhook-schema.js';
import type { Webhook, WebhookList } from '../../api/webhooks.js';
import { managesRoom } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { parsedJson } from '../request.js';
import { managedRoom, roomParam } from './room-param.js';
import { maskedHook } from '../../webhooks/masked-url.js';
import type { Webhooks } from '../../webhooks/webhooks.js';

export function webhookRoutes({ store, maxBodyBytes }: ServerDeps, hooks: Webhooks): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Adding, removing and resuming hooks manage the room: its write key or the admin token, not an agent key.
  app.post('/rooms/:id/webhooks', async (c) => {
    const room = await managedRoom(c, store, 'Adding a webhook');
    const input = await parsedJson(c, maxBodyBytes, parseWebhookInput, 'invalid_webhook');
    return c.json(await hooks.add(room, input, new URL(c.req.url).origin), 201);
  });

  // Any key of the room may look; a URL's credentials are shown only to those who manage the room.
  app.get('/rooms/:id/webhooks', async (c) => {
    const room = await roomParam(c, store, 'read');
    const shown = managesRoom(c.get('principal'), room.id) ? (h: Webhook) => h : maskedHook;
    return c.json({ roomId: room.id, webhooks: (await hooks.list(room.id)).map(shown) } satisfies WebhookList);
  });

  app.get('/rooms/:id/webhooks/:hookId', async (c) => {
    const room = await roomParam(c, store, 'read');
    const hook = await hooks.get(room.id, c.req.param('hookId'));
    return c.json(managesRoom(c.get('principal'), room.id) ? hook : maskedHook(hook));
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
