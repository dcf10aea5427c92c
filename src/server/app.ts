// createApp: the whole HTTP API (and the UI) as a Hono app built from its dependencies; opens no socket.
import { Hono } from 'hono';
import { DEFAULT_MAX_BODY_BYTES } from '../api/limits.js';
import type { Store } from '../store/store.js';
import type { ServerDeps } from './context.js';
import { notFound, toErrorResponse } from './errors.js';
import { exportRoutes } from './routes/export.js';
import { messageRoutes } from './routes/messages.js';
import { roomRoutes } from './routes/rooms.js';
import { streamRoutes } from './routes/stream.js';
import { uiRoutes } from './routes/ui.js';
import { VERSION } from '../version.js';

export interface AppOptions {
  store: Store;
  maxBodyBytes?: number;
  heartbeatMs?: number;
  /** Absolute path of the built UI; no UI is served without it. */
  uiDir?: string;
  log?: (message: string) => void;
}

export function createApp(options: AppOptions): Hono {
  const deps: ServerDeps = {
    store: options.store,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    log: options.log ?? ((m) => process.stderr.write(`${m}\n`)),
  };
  const app = new Hono();

  app.get('/agent/health', (c) => c.json({ ok: true, name: 'im-for-agents', version: VERSION }));
  app.route('/agent', roomRoutes(deps));
  app.route('/agent', messageRoutes(deps));
  app.route('/agent', streamRoutes(deps));
  app.route('/agent', exportRoutes(deps));
  if (options.uiDir) app.route('/', uiRoutes(options.uiDir));

  app.notFound(notFound);
  app.onError((err, c) => toErrorResponse(err, c, deps.log));
  return app;
}
