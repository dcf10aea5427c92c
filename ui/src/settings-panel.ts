// The room settings panel: name, topic, loop guard and agent-keys-only (PATCH /agent/rooms/:id), with the agent keys
// and the key rotation / deletion parts beside them.
import type { Room, RoomPatch } from '../../src/api/types.js';
import { loadAgents, setupAgentsPanel } from './agents-panel.js';
import { setupDangerZone } from './danger-zone.js';
import { byId } from './dom.js';
import { done, failed, type ManageHooks } from './manage.js';
import { hideSecrets } from './secret-box.js';

const name = () => byId<HTMLInputElement>('set-name');
const topic = () => byId<HTMLInputElement>('set-topic');
const guard = () => byId<HTMLInputElement>('set-loop-guard');
const agentKeysOnly = () => byId<HTMLInputElement>('set-agent-keys-only');

let shownRoomId: string | undefined;

/** Fills the panel for a room just opened; the keys shown once stay up while the same room is opened again. */
export function showRoomSettings(room: Room, hooks: ManageHooks): void {
  const panel = byId<HTMLDetailsElement>('settings');
  panel.hidden = false;
  const sameRoom = room.id === shownRoomId;
  if (!sameRoom) {
    for (const id of ['agent-secret', 'keys-secret']) hideSecrets(byId(id));
    for (const id of ['settings-status', 'agents-status', 'keys-status', 'delete-status']) byId(id).textContent = '';
    byId('agent-list').replaceChildren();
    shownRoomId = room.id;
  }
  fill(room, sameRoom);
  if (panel.open) void loadAgents(hooks);
}

/** Shows the room's settings. The same room shown again (after a key was given, say) keeps what the person typed
 *  into a field since it was last filled: a reload must not wipe an edit in progress. */
function fill(room: Room, sameRoom: boolean): void {
  const set = (input: HTMLInputElement, value: string) => {
    const edited = sameRoom && input.value !== input.dataset.filled && input.value !== value;
    if (!edited) input.value = value;
    input.dataset.filled = value;
  };
  set(name(), room.name);
  set(topic(), room.topic ?? '');
  set(guard(), room.settings?.loopGuard === undefined ? '' : String(room.settings.loopGuard));
  const keysOnly = room.settings?.agentKeysOnly === true;
  const box = agentKeysOnly();
  if (!(sameRoom && String(box.checked) !== box.dataset.filled && box.checked !== keysOnly)) box.checked = keysOnly;
  box.dataset.filled = String(keysOnly);
}

/** Only what the person changed is sent; an emptied topic or loop guard turns it off (null). */
function patchFrom(room: Room): RoomPatch {
  const patch: RoomPatch = {};
  const settings: NonNullable<RoomPatch['settings']> = {};
  if (name().value.trim() !== room.name) patch.name = name().value.trim();
  const t = topic().value.trim();
  if (t !== (room.topic ?? '')) patch.topic = t || null;
  const g = guard().value.trim() === '' ? null : Number(guard().value);
  if (g !== (room.settings?.loopGuard ?? null)) settings.loopGuard = g;
  if (agentKeysOnly().checked !== (room.settings?.agentKeysOnly === true)) settings.agentKeysOnly = agentKeysOnly().checked || null;
  if (Object.keys(settings).length > 0) patch.settings = settings;
  return patch;
}

export function setupSettingsPanel(hooks: ManageHooks): void {
  const panel = byId<HTMLDetailsElement>('settings');
  panel.addEventListener('toggle', () => void (panel.open && loadAgents(hooks)));
  byId<HTMLFormElement>('settings-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const open = hooks.current();
    if (!open) return;
    const status = byId('settings-status');
    const patch = patchFrom(open.room);
    if (Object.keys(patch).length === 0) return done(status, 'Nothing changed.');
    status.textContent = 'Saving…';
    open.client.updateRoom(open.room.id, patch).then(
      (room) => {
        hooks.changed(room);
        fill(room, false);
        done(status, 'Saved.');
      },
      (err: unknown) => failed(status, 'Not saved', err, hooks),
    );
  });
  setupAgentsPanel(hooks);
  setupDangerZone(hooks);
}
