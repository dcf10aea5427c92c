// The room's agent keys in the settings panel: the named agents, adding one (its key shown once) and revoking one.
import type { Agent } from '../../src/api/types.js';
import { byId, h, timeLabel } from './dom.js';
import { done, failed, type ManageHooks } from './manage.js';
import { hideSecrets, showSecrets } from './secret-box.js';

/** Lists the open room's agents; a key that may not list them gets the server's reason instead. */
export async function loadAgents(hooks: ManageHooks): Promise<void> {
  const open = hooks.current();
  if (!open) return;
  const status = byId('agents-status');
  let agents: Agent[];
  try {
    agents = await open.client.listAgents(open.room.id);
  } catch (err) {
    byId('agent-list').replaceChildren();
    // Only listing: not worth asking for a key before the person tries to change something.
    failed(status, 'Could not list the agents', err, { ...hooks, askKey: () => {} });
    return;
  }
  if (hooks.current()?.room.id !== open.room.id) return;
  byId('agent-list').replaceChildren(
    ...(agents.length === 0
      ? [h('li', { class: 'muted' }, 'No agents yet.')]
      : agents.map((a) => {
          const revoke = h('button', { type: 'button', class: 'secondary', 'aria-label': `Revoke ${a.name}'s key` }, 'Revoke');
          revoke.addEventListener('click', () => void revokeAgent(hooks, a.name));
          return h('li', { 'data-agent': a.name }, h('strong', {}, a.name), h('span', { class: 'muted' }, ` added ${timeLabel(a.createdAt)}`), revoke);
        })),
  );
}

async function revokeAgent(hooks: ManageHooks, name: string): Promise<void> {
  const open = hooks.current();
  if (!open) return;
  const status = byId('agents-status');
  try {
    await open.client.removeAgent(open.room.id, name);
    done(status, `Revoked ${name}'s key: it is refused from now on.`);
  } catch (err) {
    failed(status, `Could not revoke ${name}'s key`, err, hooks);
  }
  await loadAgents(hooks);
  byId('agent-name').focus();
}

export function setupAgentsPanel(hooks: ManageHooks): void {
  const input = byId<HTMLInputElement>('agent-name');
  byId<HTMLFormElement>('agent-add').addEventListener('submit', (e) => {
    e.preventDefault();
    const open = hooks.current();
    const name = input.value.trim();
    if (!open || !name) return;
    const status = byId('agents-status');
    hideSecrets(byId('agent-secret'));
    open.client.addAgent(open.room.id, name).then(
      async (agent) => {
        input.value = '';
        done(status, `Added ${agent.name}.`);
        await loadAgents(hooks);
        showSecrets(byId('agent-secret'), 'New agent key', [[`${agent.name}'s key`, agent.key]]);
      },
      (err: unknown) => failed(status, `Could not add ${name}`, err, hooks),
    );
  });
}
