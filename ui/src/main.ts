// Web UI entry: hash routes (#/ and #/room/ID), the room list refresh, and the page's event wiring.
import { ApiError } from '../../src/client/errors.js';
import { Client } from '../../src/client/client.js';
import { byId } from './dom.js';
import { startHooksPanel, stopHooksPanel } from './hooks-panel.js';
import { notifier, setupNotifyControls, showNotifyMode } from './notify.js';
import { prefs } from './prefs.js';
import { startPresence, stopPresence } from './presence-view.js';
import { RoomView } from './room-view.js';
import { RoomPages } from './room-pages.js';
import { renderRooms, setupCreateRoom } from './rooms-view.js';
import type { ManageHooks } from './manage.js';
import { setupRedaction } from './redaction.js';
import { setupSettingsPanel, showRoomSettings } from './settings-panel.js';
import { setupThreads } from './threads.js';

const clientWith = (key: string | undefined) => new Client({ baseUrl: location.origin, ...(key && { key }) });
let current: RoomView | undefined;
let listDrawQueued = false;
const roomPages = new RoomPages();

function drawRooms(): void {
  // The open room as its live messages left it (the view keeps it), where it is newer than the list's copy: a list
  // refresh answered before those messages does not undo them.
  const live = current?.room;
  const rooms = live ? roomPages.rooms.map((r) => (r.id === live.id && live.lastSeq > r.lastSeq ? live : r)) : roomPages.rooms;
  renderRooms(rooms, current?.room.id);
  byId('rooms-more').hidden = roomPages.next === null;
}

async function refreshRooms(): Promise<void> {
  try {
    await roomPages.refresh(clientWith(prefs.adminKey()));
    drawRooms();
    byId('admin-key-form').hidden = true;
  } catch (err) {
    // 401: the server has auth on and this browser has no admin token; anything else: it is restarting.
    if (err instanceof ApiError && err.status === 401) byId('admin-key-form').hidden = false;
  }
}

async function moreRooms(): Promise<void> {
  try {
    if (await roomPages.more(clientWith(prefs.adminKey()))) drawRooms();
  } catch {
    // The next refresh says what is wrong (a key form, or nothing while the server restarts).
  }
}

/** #/room/ID, or #/room/ID/SEQ to open the room at one message (a notification's click). */
const ROOM_ROUTE = /^#\/room\/([\w-]+)(?:\/(\d+))?$/;

async function route(): Promise<void> {
  const [, roomId, atSeq] = ROOM_ROUTE.exec(location.hash) ?? [];
  const left = current?.room.id;
  current?.stop();
  current = undefined;
  stopHooksPanel();
  stopPresence();
  byId('app').classList.toggle('in-room', Boolean(roomId));
  byId('room').hidden = !roomId;
  byId('welcome').hidden = Boolean(roomId);
  // The skip link leads past the room list to the message box, which only a room has.
  byId('skip').hidden = !roomId;
  notifier.follow((id) => clientWith(prefs.key(id)), roomId);
  if (!roomId) {
    notifier.title('im-for-agents');
    await refreshRooms();
    // Back from a room by keyboard: focus was in the room, now hidden; go on from that room's entry in the list.
    if (left && !document.activeElement?.closest('.sidebar')) document.querySelector<HTMLElement>(`#room-list a[href="#/room/${left}"]`)?.focus();
    return;
  }
  byId('room-key-form').hidden = true;
  byId('welcome-notice').textContent = '';
  try {
    const client = clientWith(prefs.key(roomId));
    const view = new RoomView(client, await client.getRoom(roomId));
    current = view;
    // The list's count for the open room follows its messages as they arrive, not the next refresh.
    view.onLive = () => {
      // Once per frame however fast messages come.
      if (!listDrawQueued) requestAnimationFrame(() => ((listDrawQueued = false), drawRooms()));
      listDrawQueued = true;
    };
    await view.start();
    showNotifyMode(roomId);
    showRoomSettings(view.room, manageHooks);
    void startHooksPanel(client, roomId);
    void startPresence(client, roomId);
    // Opened at one message (a notification's click): it gets the focus, else the message box does.
    if (!atSeq || !(await view.showMessage((m) => m.seq === Number(atSeq)))) byId<HTMLTextAreaElement>('composer-text').focus({ preventScroll: true });
  } catch (err) {
    const status = err instanceof ApiError ? err.status : 0;
    byId('room-name').textContent = status === 404 ? 'No such room' : 'Could not open the room';
    byId('conn').textContent = (err as Error).message;
    byId('settings').hidden = true;
    // Ask once; the key is remembered for this room.
    if (status === 401 || status === 403) askRoomKey((err as Error).message);
  }
  await refreshRooms();
}

function askRoomKey(why: string): void {
  byId('room-key-why').textContent = why;
  byId('room-key-form').hidden = false;
  byId<HTMLInputElement>('room-key').focus();
}

const manageHooks: ManageHooks = {
  current: () => current,
  changed: (room) => {
    current?.update(room);
    void refreshRooms();
  },
  askKey: askRoomKey,
  reopen: () => void route(),
  deleted: (room) => {
    prefs.forget(room.id);
    roomPages.drop(room.id);
    byId('welcome-notice').textContent = `Deleted the room “${room.name}”.`;
    location.hash = '#/';
  },
};

function wire(): void {
  const welcomeCurl = (auth: boolean) =>
    (byId('welcome-curl').textContent =
      `curl -X POST ${location.origin}/agent/rooms -H "Content-Type: application/json"${auth ? ' -H "Authorization: Bearer $ADMIN_TOKEN"' : ''} -d '{"name":"my-room"}'`);
  welcomeCurl(false);
  // A server with auth on refuses the call without the admin token: the hint says so.
  void clientWith(undefined).health().then((h) => welcomeCurl(h.auth), () => {});
  setupCreateRoom(
    () => clientWith(prefs.adminKey()),
    (room) => {
      // The creator keeps the room's write key, so the room still opens if auth is turned on later.
      prefs.setKey(room.id, room.keys.write);
      location.hash = `#/room/${room.id}`;
    },
  );
  byId<HTMLFormElement>('admin-key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    prefs.setAdminKey(byId<HTMLInputElement>('admin-key').value.trim());
    void refreshRooms();
  });
  byId<HTMLFormElement>('room-key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const roomId = ROOM_ROUTE.exec(location.hash)?.[1];
    if (roomId) prefs.setKey(roomId, byId<HTMLInputElement>('room-key').value.trim());
    void route();
  });
  setupSettingsPanel(manageHooks);
  setupRedaction(manageHooks, (m) => current?.redacted(m));
  setupThreads(() => current);
  notifier.open = (roomId, seq) => void (location.hash = `#/room/${roomId}/${seq}`);
  setupNotifyControls(
    () => current?.room.id,
    () => notifier.follow((id) => clientWith(prefs.key(id)), current?.room.id),
  );
  byId('export-jsonl').addEventListener('click', () => void current?.download('jsonl'));
  byId('export-md').addEventListener('click', () => void current?.download('markdown'));

  const name = byId<HTMLInputElement>('composer-name');
  const to = byId<HTMLInputElement>('composer-to');
  const text = byId<HTMLTextAreaElement>('composer-text');
  const status = byId('composer-status');
  name.value = prefs.name();
  name.addEventListener('change', () => prefs.setName(name.value.trim()));
  byId<HTMLFormElement>('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const sender = name.value.trim();
    const content = text.value;
    if (!current || !sender || !content.trim()) {
      status.textContent = sender ? 'Write a message first.' : 'Enter your name first.';
      (sender ? text : name).focus();
      return;
    }
    prefs.setName(sender);
    const recipients = to.value.split(',').map((s) => s.trim()).filter(Boolean);
    status.textContent = 'Sending…';
    current.post(sender, content, recipients).then(
      () => {
        text.value = '';
        status.textContent = '';
      },
      (err: Error) => (status.textContent = `Not sent: ${err.message}`),
    );
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      byId<HTMLFormElement>('composer').requestSubmit();
    }
  });

  byId('scroller').addEventListener('scroll', () => {
    if (byId('scroller').scrollTop < 150) void current?.loadOlder();
  });
  byId('sender-filter').addEventListener('change', () => current?.applyFilter());
  byId<HTMLFormElement>('search').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = byId<HTMLInputElement>('search-q').value.trim();
    const sender = byId<HTMLSelectElement>('sender-filter').value;
    if (q || sender) void current?.search(q, sender);
    else current?.closeResults();
  });
  byId('results-close').addEventListener('click', () => current?.closeResults());

  byId('rooms-more').addEventListener('click', () => void moreRooms());
  // Scrolled near the end of the list: the next page comes without a click.
  const nav = byId('rooms-nav');
  nav.addEventListener('scroll', () => {
    if (nav.scrollTop + nav.clientHeight > nav.scrollHeight - 300) void moreRooms();
  });

  window.addEventListener('hashchange', () => void route());
  setInterval(() => void refreshRooms(), 3000);
}

wire();
void route();
