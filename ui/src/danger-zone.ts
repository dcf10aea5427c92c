// The settings panel's two actions that cannot be undone: rotating the room's keys and deleting the room.
import { byId } from './dom.js';
import { confirmInstead } from './confirm.js';
import { done, failed, type ManageHooks } from './manage.js';
import { prefs } from './prefs.js';
import { showSecrets } from './secret-box.js';

export function setupDangerZone(hooks: ManageHooks): void {
  const rotate = byId<HTMLButtonElement>('rotate-keys');
  rotate.addEventListener('click', async () => {
    const open = hooks.current();
    if (!open || !(await confirmInstead(rotate, 'Make new room keys? Agents using the old ones are refused at once.', 'Rotate keys'))) return;
    const status = byId('keys-status');
    try {
      const { keys } = await open.client.rotateKeys(open.room.id);
      done(status, 'The old keys are refused from now on.');
      showSecrets(byId('keys-secret'), 'New room keys', [
        ['Write key', keys.write],
        ['Read key', keys.read],
      ]);
      // This browser opened the room with its old key: keep it working with the new one.
      if (prefs.roomKey(open.room.id)) {
        prefs.setKey(open.room.id, keys.write);
        hooks.reopen();
      }
    } catch (err) {
      failed(status, 'Could not rotate the keys', err, hooks);
    }
  });

  const remove = byId<HTMLButtonElement>('delete-room');
  remove.addEventListener('click', async () => {
    const open = hooks.current();
    if (!open) return;
    const { room } = open;
    const count = `${room.messageCount} ${room.messageCount === 1 ? 'message' : 'messages'}`;
    if (!(await confirmInstead(remove, `Delete “${room.name}” and its ${count} for good?`, 'Delete for good'))) return;
    try {
      await open.client.deleteRoom(room.id);
      hooks.deleted(room);
    } catch (err) {
      failed(byId('delete-status'), 'Could not delete the room', err, hooks);
    }
  });
}
