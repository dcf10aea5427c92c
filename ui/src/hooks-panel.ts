// The room's webhooks panel: each hook's URL, filters and delivery state (active or paused, how far, last error).
import type { Webhook } from '../../src/api/webhooks.js';
import type { Client } from '../../src/client/client.js';
import { ApiError } from '../../src/client/errors.js';
import { byId, h, timeLabel } from './dom.js';

let timer: ReturnType<typeof setInterval> | undefined;

export function stopHooksPanel(): void {
  clearInterval(timer);
  timer = undefined;
}

function renderHook(hook: Webhook): HTMLElement {
  const filters = [hook.format && `${hook.format} format`, hook.sender && `from ${hook.sender}`, hook.to && `to ${hook.to}`, hook.type && `type ${hook.type}`].filter(Boolean).join(', ');
  const progress = `delivered up to #${hook.lastDeliveredSeq}${hook.failures ? ` · ${hook.failures} failed ${hook.failures === 1 ? 'attempt' : 'attempts'} in a row` : ''}`;
  return h(
    'li',
    { class: 'hook', 'data-hook': hook.id, 'data-state': hook.state },
    h('div', { class: 'hook-head' }, h('code', {}, hook.url), h('span', { class: `conn ${hook.state === 'paused' ? 'retrying' : 'live'}` }, hook.state === 'paused' ? 'Paused' : 'Active')),
    h('div', { class: 'muted' }, `${filters ? `${filters} · ` : ''}${progress}`),
    hook.lastError ? h('div', { class: 'muted' }, `Last error${hook.lastErrorAt ? ` (${timeLabel(hook.lastErrorAt)})` : ''}: ${hook.lastError}`) : null,
  );
}

/** Lists the room's hooks, and again every 5 s while the panel is open; hidden when the server or key cannot list them. */
export async function startHooksPanel(client: Client, roomId: string): Promise<void> {
  stopHooksPanel();
  const panel = byId<HTMLDetailsElement>('hooks');
  const refresh = async () => {
    let hooks: Webhook[];
    try {
      hooks = await client.listWebhooks(roomId);
    } catch (err) {
      if (err instanceof ApiError) panel.hidden = true;
      return;
    }
    panel.hidden = false;
    const paused = hooks.filter((x) => x.state === 'paused').length;
    byId('hooks-summary').textContent = `Webhooks (${hooks.length}${paused ? `, ${paused} paused` : ''})`;
    byId('hooks-body').replaceChildren(
      hooks.length
        ? h('ul', { class: 'hooks' }, ...hooks.map(renderHook))
        : h('p', { class: 'muted' }, 'None. Add one with ', h('code', {}, `npx im-for-agents hook add ${roomId} URL`), '.'),
    );
  };
  panel.ontoggle = () => void (panel.open && refresh());
  await refresh();
  timer = setInterval(() => void (panel.open && refresh()), 5000);
}
