// createApp: the whole HTTP API (and the UI) as a Hono app built from its dependencies; opens no socket.
import type { RequestListener } from 'node:http';
import { Hono } from 'hono';
import { a2aRoutes } from './routes/a2a.js';
import type { PresenceShare, SendOnce } from '../store/fleet-contract.js';
import { DEFAULT_MAX_BODY_BYTES } from '../api/limits.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { ServerDeps } from './context.js';
import type { AppEnv } from './env.js';
import { notFoundFor, toErrorResponse } from './errors.js';
import { withFastSend } from './fast-send.js';
import type { AuthConfig } from './gate/authenticate.js';
import { Gate } from './gate/gate.js';
import type { RateLimit } from './gate/rate-limit.js';
import { frontDoor } from './middleware/front-door.js';
import { securityHeaders } from './middleware/security-headers.js';
import { agentRoutes } from './routes/agents.js';
import { apiDocRoutes } from './routes/api-docs.js';
import { exportRoutes } from './routes/export.js';
import { mcpRoutes } from './routes/mcp.js';
import { inboxRoutes } from './routes/inbox.js';
import { messageRoutes } from './routes/messages.js';
import { noteSeen, presenceRoutes } from './routes/presence.js';
import { redactionRoutes } from './routes/redaction.js';
import { roomLifecycleRoutes } from './routes/room-lifecycle.js';
import { roomRoutes } from './routes/rooms.js';
import { searchRoutes } from './routes/search.js';
import { streamRoutes } from './routes/stream.js';
import { uiRoutes } from './routes/ui.js';
import { LISTEN_GRACE_MS, Presence } from './presence.js';
import { StreamRegistry } from './streams.js';

export interface AppOptions {
  store: Store;
  maxBodyBytes?: number;
  heartbeatMs?: number;
  /** Absolute path of the built UI; no UI is served without it. */
  uiDir?: string;
  /** Auth is on when an admin token digest is given. */
  auth?: AuthConfig;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  cors?: string[];
  /** Host names besides localhost, 127.0.0.1 and [::1] that may address the server while auth is off. */
  allowedHosts?: string[];
  /** Per-client request rate; unlimited when absent. */
  rateLimit?: RateLimit;
  /** Caps on SSE streams and long-polls; the caller keeps it to end them all at shutdown. */
  streams?: StreamRegistry;
  /** Room webhooks (routes under /agent/rooms/:id/webhooks); the caller opens and closes it. */
  webhooks?: Webhooks;
  /** How retried A2A sends are recognised (default: this server's memory; a fleet shares them in Redis). */
  a2aSent?: SendOnce;
  /** How the other servers of a fleet learn this one's presence and tell theirs (default: none, one server). */
  presenceShare?: PresenceShare;
  log?: (message: string) => void;
}

/** The Hono app, plus the fast send path that listen() puts in front of it on a Node socket. */
export type App = Hono<AppEnv> & {
  /** Wraps the app's Node listener: sends are answered by the same gate and send function without web objects. */
  withFastSend(listener: RequestListener): RequestListener;
};

/** Where server diagnostics go unless the caller says otherwise. */
export const logToStderr = (message: string): void => void process.stderr.write(`${message}\n`);

export const DEFAULT_STREAM_LIMITS = { perClient: 256, total: 4096, idleMs: 60 * 60_000 };

export function createApp(options: AppOptions): App {
  const deps: ServerDeps = {
    store: options.store,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    streams: options.streams ?? new StreamRegistry(DEFAULT_STREAM_LIMITS),
    log: options.log ?? logToStderr,
    presence: new Presence(LISTEN_GRACE_MS, options.presenceShare),
  };
  const gate = new Gate({
    store: options.store,
    ...(options.auth && { auth: options.auth }),
    ...(options.cors && { cors: options.cors }),
    ...(options.allowedHosts && { allowedHosts: options.allowedHosts }),
    ...(options.rateLimit && { rateLimit: options.rateLimit }),
  });
  const app = new Hono<AppEnv>();

  app.use('*', frontDoor(gate));
  app.get('/agent/health', (c) => c.json({ ok: true, name: 'im-for-agents', version: VERSION, auth: Boolean(options.auth?.adminTokenHash) }));
  app.use('/agent/rooms/:id/*', noteSeen(deps.presence, deps.store));
  app.route('/agent', roomRoutes(deps));
  app.route('/agent', roomLifecycleRoutes(deps));
  app.route('/agent', agentRoutes(deps));
  app.route('/agent', messageRoutes(deps));
  app.route('/agent', redactionRoutes(deps));
  app.route('/agent', streamRoutes(deps));
  app.route('/agent', exportRoutes(deps));
  app.route('/agent', searchRoutes(deps));
  app.route('/agent', presenceRoutes(deps));
  app.route('/agent', inboxRoutes(deps));
  if (options.webhooks) app.route('/agent', webhookRoutes(deps, options.webhooks));
  app.route('/', apiDocRoutes());
  app.route('/', mcpRoutes({ ...deps, appFetch: (request, env) => app.fetch(request, env) }));
  app.route('/', a2aRoutes(deps, { auth: Boolean(options.auth?.adminTokenHash), appFetch: (request, env) => app.fetch(request, env), ...(options.a2aSent && { sent: options.a2aSent }) }));
  if (options.uiDir) {
    app.use('*', securityHeaders());
    app.route('/', uiRoutes(options.uiDir));
  }

  app.notFound(notFoundFor(app.routes));
  app.onError((err, c) => toErrorResponse(err, c, deps.log));
  return Object.assign(app, {
    withFastSend: (listener: RequestListener) => withFastSend({ ...deps, gate }, listener),
  });
}
