// Agent keys: a room's named agents, each with a key whose posts are signed with its name.
import { Hono } from 'hono';
import { AGENT_NAME, parseCreateAgent } from '../../api/schemas.js';
import type { CreatedAgent } from '../../api/types.js';
import { hashKey, newKey } from '../auth/keys.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { parsedJson } from '../request.js';
import { managedRoom, roomParam } from './room-param.js';

export function agentRoutes({ store, maxBodyBytes }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/rooms/:id/agents', async (c) => {
    const room = await managedRoom(c, store, 'Adding an agent');
    const { name } = await parsedJson(c, maxBodyBytes, parseCreateAgent, 'invalid_agent');
    const key = newKey('agent');
    const agent = await store.addAgent(room.id, name, hashKey(key));
    return c.json({ ...agent, key } satisfies CreatedAgent, 201);
  });

  app.get('/rooms/:id/agents', async (c) => {
    const room = await roomParam(c, store, 'read');
    return c.json({ roomId: room.id, agents: await store.listAgents(room.id) });
  });

  app.delete('/rooms/:id/agents/:name', async (c) => {
    const room = await managedRoom(c, store, 'Revoking an agent');
    const name = c.req.param('name');
    if (!AGENT_NAME.test(name) || !(await store.removeAgent(room.id, name))) {
      throw new HttpError(404, 'agent_not_found', `Room ${room.id} has no agent named "${name.slice(0, 80)}": list them with GET /agent/rooms/${room.id}/agents.`);
    }
    return c.body(null, 204);
  });

  return app;
}
