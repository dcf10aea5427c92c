// Agent keys: a room's named agents, each with a key whose posts are signed with its name.
import { Hono } from 'hono';
import { AGENT_NAME, parseCreateAgent } from '../../api/schemas.js';
import type { CreatedAgent } from '../../api/types.js';
import { hashKey, newKey } from '../auth/keys.js';
import { authorizeManage, authorizeRoom } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { readJson } from '../request.js';
import { findRoom } from './room-param.js';

export function agentRoutes({ store, maxBodyBytes }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/rooms/:id/agents', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Adding an agent');
    const room = await findRoom(store, c.req.param('id'));
    const parsed = parseCreateAgent(await readJson(c, maxBodyBytes));
    if (!parsed.ok) throw new HttpError(400, 'invalid_agent', parsed.message);
    const key = newKey('agent');
    const agent = await store.addAgent(room.id, parsed.value.name, hashKey(key));
    return c.json({ ...agent, key } satisfies CreatedAgent, 201);
  });

  app.get('/rooms/:id/agents', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    return c.json({ roomId: room.id, agents: await store.listAgents(room.id) });
  });

  app.delete('/rooms/:id/agents/:name', async (c) => {
    authorizeManage(c, c.req.param('id'), 'Revoking an agent');
    const room = await findRoom(store, c.req.param('id'));
    const name = c.req.param('name');
    if (!AGENT_NAME.test(name) || !(await store.removeAgent(room.id, name))) {
      throw new HttpError(404, 'agent_not_found', `Room ${room.id} has no agent named "${name.slice(0, 80)}": list them with GET /agent/rooms/${room.id}/agents.`);
    }
    return c.body(null, 204);
  });

  return app;
}
