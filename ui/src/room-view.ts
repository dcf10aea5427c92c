// One open room: history then the live stream, older pages on scroll, sender filter, search and the composer.
import { isAgentKey } from '../../src/api/key-prefixes.js';
import type { Message, Room } from '../../src/api/types.js';
import type { Client } from '../../src/client/client.js';
import { renderConnectPanel } from './connect-panel.js';
import { byId, h } from './dom.js';
import { messageItem, repliesButton, type MessageContext } from './message-view.js';
import { notifier } from './notify.js';
import { prefs } from './prefs.js';

const PAGE = 100;
/** Enough messages to fill a tall screen. */
const FIRST_PAINT = 20;

export class RoomView {
  private readonly abort = new AbortController();
  private first = 0;
  private last = 0;
  private loadingOlder = false;
  private readonly senders = new Set<string>();
  private readonly byMessageId = new Map<string, Message>();
  /** Replies loaded so far, by the id of the message they answer. */
  private readonly replyCounts = new Map<string, number>();
  private readonly ctx: MessageContext = {
    find: (id) => this.byMessageId.get(id),
    replies: (id) => this.replyCounts.get(id) ?? 0,
    me: prefs.name(),
  };
  /** Called with the room as it stands after each live message (its count and last activity). */
  onLive: (room: Room) => void = () => {};
  /** The message the composer answers, set by a Reply button. */
  private replyingTo: Message | undefined;
  private readonly list = byId<HTMLOListElement>('messages');
  private readonly scroller = byId('scroller');
  /** As of the last scroll: a view at the bottom stays there when it gets shorter (a header line or panel appears). */
  private atBottom = true;
  private readonly resized = new ResizeObserver(() => this.atBottom && this.scrollToBottom());

  constructor(
    readonly client: Client,
    public room: Room,
  ) {}

  async start(): Promise<void> {
    const { id } = this.room;
    this.update(this.room);
    byId('room-id').textContent = id;
    this.setGone(false);
    renderConnectPanel(byId('connect-body'), location.origin, id);
    // Redrawn with the key lines once the server says it needs a key.
    void this.client.health().then(
      ({ auth }) => auth && !this.abort.signal.aborted && renderConnectPanel(byId('connect-body'), location.origin, id, true),
      () => {},
    );
    this.scroller.addEventListener('scroll', () => (this.atBottom = this.isAtBottom()), { signal: this.abort.signal });
    this.resized.observe(this.scroller);
    this.list.replaceChildren();
    byId<HTMLSelectElement>('sender-filter').replaceChildren(h('option', { value: '' }, 'All senders'));
    this.closeResults();

    const page = await this.client.history(id, { limit: PAGE });
    // The newest few fill the view first; the rest of the page is rendered after that frame is painted.
    const newest = page.slice(-FIRST_PAINT);
    const rest = page.slice(0, page.length - newest.length);
    for (const m of page) this.byMessageId.set(m.id, m); // so replies name their target from the first paint
    this.first = newest[0]?.seq ?? this.room.lastSeq + 1;
    this.last = newest[0] ? newest[0].seq - 1 : this.room.lastSeq;
    this.add(newest, 'end');
    this.scrollToBottom();
    void this.follow();
    if (rest.length === 0) return;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    if (!this.abort.signal.aborted) this.add(rest, 'start');
  }

  stop(): void {
    this.abort.abort();
    this.resized.disconnect();
    this.setReply(undefined);
  }

  /** The room as changed (renamed, new topic or settings), here or elsewhere. */
  update(room: Room): void {
    this.room = room;
    byId('room-name').textContent = room.name;
    const topic = byId('room-topic');
    topic.textContent = room.topic ?? '';
    topic.hidden = !room.topic;
    notifier.title(`${room.name} · im-for-agents`);
  }

  /** A room deleted elsewhere: say so, and nothing more can be posted or changed. */
  private setGone(gone: boolean): void {
    byId('room-gone').hidden = !gone;
    byId('settings').hidden = gone;
    if (gone) byId('hooks').hidden = true;
    for (const el of byId<HTMLFormElement>('composer').elements) (el as HTMLInputElement).disabled = gone;
  }

  private async follow(): Promise<void> {
    const conn = byId('conn');
    const state = (text: string, cls: string) => {
      conn.textContent = text;
      conn.className = `conn ${cls}`;
    };
    try {
      // The page listens under the name it posts as ("human" until the person picks another), so a person watching is
      // listed as listening; never with an agent key, which names its holder itself.
      const as = isAgentKey(prefs.key(this.room.id)) ? undefined : prefs.name();
      const stream = this.client.stream(this.room.id, {
        ...(as && { as }),
        after: this.last,
        signal: this.abort.signal,
        onState: (s) => (s === 'open' ? state('Live', 'live') : state('Reconnecting…', 'retrying')),
        onEvent: (event, data) => {
          if (event === 'redacted') this.redacted(JSON.parse(data) as Message);
          if (event !== 'deleted') return;
          state('Deleted', 'deleted');
          this.setGone(true);
        },
      });
      for await (const m of stream) {
        this.add([m], 'end');
        this.room = { ...this.room, lastSeq: m.seq, messageCount: this.room.messageCount + 1, lastActivityAt: m.createdAt };
        this.onLive(this.room);
        notifier.arrived(this.room, m);
      }
    } catch (err) {
      if (!this.abort.signal.aborted) state(`Disconnected: ${(err as Error).message}`, 'retrying');
    }
  }

  /** Adds messages at the end (new) or the start (older page), skipping any seq already shown. */
  private add(messages: Message[], where: 'start' | 'end'): void {
    const atBottom = this.isAtBottom();
    const fresh = where === 'end' ? messages.filter((m) => m.seq > this.last) : messages.filter((m) => m.seq < this.first);
    if (fresh.length === 0) return;
    for (const m of fresh) this.byMessageId.set(m.id, m);
    for (const m of fresh) this.countReply(m);
    const items = fresh.map((m) => {
      this.noteSender(m.sender);
      return this.filtered(messageItem(m, this.ctx));
    });
    if (where === 'end') {
      this.list.append(...items);
      this.last = fresh.at(-1)!.seq;
      if (atBottom) this.scrollToBottom();
      if (document.visibilityState === 'visible') prefs.setSeen(this.room.id, this.last);
    } else {
      const before = this.scroller.scrollHeight;
      this.list.prepend(...items);
      this.first = fresh[0]!.seq;
      this.scroller.scrollTop += this.scroller.scrollHeight - before; // keep the reader's place
    }
    byId('messages-empty').hidden = this.list.childElementCount > 0;
  }

  /** A message redacted here or elsewhere: drawn again wherever it is shown, keeping its place. */
  redacted(m: Message): void {
    if (m.roomId !== this.room.id) return;
    this.byMessageId.set(m.id, m);
    const shown = [...document.querySelectorAll<HTMLLIElement>(`#messages li[data-seq="${m.seq}"], #results-list li[data-seq="${m.seq}"]`)];
    for (const old of shown) {
      const li = messageItem(m, this.ctx);
      if (old.closest('#results-list')) li.removeAttribute('id');
      else this.filtered(li);
      const hadFocus = old.contains(document.activeElement);
      old.replaceWith(li);
      if (hadFocus) {
        li.tabIndex = -1;
        li.focus();
      }
    }
  }

  async loadOlder(): Promise<void> {
    if (this.loadingOlder || this.first <= 1) return;
    this.loadingOlder = true;
    byId('older').hidden = false;
    try {
      const after = Math.max(0, this.first - 1 - PAGE);
      this.add(await this.client.history(this.room.id, { after, limit: this.first - 1 - after }), 'start');
    } finally {
      this.loadingOlder = false;
      byId('older').hidden = true;
    }
  }

  private isAtBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 48;
  }

  private scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private noteSender(sender: string): void {
    if (this.senders.has(sender)) return;
    this.senders.add(sender);
    byId('sender-filter').append(h('option', { value: sender }, sender));
  }

  private filtered(li: HTMLLIElement): HTMLLIElement {
    const only = byId<HTMLSelectElement>('sender-filter').value;
    li.hidden = only !== '' && li.dataset.sender !== only;
    return li;
  }

  applyFilter(): void {
    const atBottom = this.isAtBottom();
    for (const li of this.list.children) this.filtered(li as HTMLLIElement);
    if (atBottom) this.scrollToBottom();
  }

  async search(text: string, sender: string): Promise<void> {
    const results = await this.client.search(this.room.id, { ...(text && { q: text }), ...(sender && { sender }), limit: 200 });
    byId('results').hidden = false;
    const what = [text && `“${text}”`, sender && `from ${sender}`].filter(Boolean).join(' ');
    byId('results-title').textContent = `${results.length} ${results.length === 1 ? 'match' : 'matches'} for ${what}`;
    byId('results-list').replaceChildren(
      ...results.map((m) => {
        const li = messageItem(m, this.ctx);
        li.removeAttribute('id');
        return li;
      }),
    );
  }

  /** Counts a reply for the message it answers, and updates that message's reply count where it is shown. */
  private countReply(m: Message): void {
    if (m.replyTo === undefined) return;
    const count = (this.replyCounts.get(m.replyTo) ?? 0) + 1;
    this.replyCounts.set(m.replyTo, count);
    const target = this.byMessageId.get(m.replyTo);
    if (!target) return;
    for (const old of document.querySelectorAll<HTMLButtonElement>(`li[data-seq="${target.seq}"] button.replies`)) old.replaceWith(repliesButton(target, count));
  }

  /** Scrolls to a message (loading older pages until it is there) and marks it for a moment; false if it is not in the room. */
  async showMessage(match: (m: Message) => boolean): Promise<boolean> {
    let found = [...this.byMessageId.values()].find(match);
    while (!found && this.first > 1 && !this.abort.signal.aborted) {
      const before = this.first;
      await this.loadOlder();
      if (this.first === before) break; // a page load in flight, or a failure: try again on the next click
      found = [...this.byMessageId.values()].find(match);
    }
    const li = found && document.getElementById(`m-${found.seq}`);
    if (!li) return false;
    li.hidden = false;
    li.scrollIntoView({ block: 'center' });
    li.tabIndex = -1;
    li.focus({ preventScroll: true });
    li.classList.add('flash');
    setTimeout(() => li.classList.remove('flash'), 2000);
    return true;
  }

  /** The thread of a message (it and every reply, from the API), in the results panel. */
  async showThread(id: string): Promise<void> {
    const thread = await this.client.history(this.room.id, { thread: id, limit: 1000 });
    byId('results').hidden = false;
    byId('results-title').textContent = `Thread of #${thread[0]?.seq ?? '?'}: ${thread.length} ${thread.length === 1 ? 'message' : 'messages'}`;
    byId('results-list').replaceChildren(
      ...thread.map((m) => {
        const li = messageItem(m, this.ctx);
        li.removeAttribute('id');
        return li;
      }),
    );
  }

  /** The composer answers `m` (undefined: answers nothing). */
  setReply(m: Message | undefined): void {
    this.replyingTo = m;
    const bar = byId('reply-bar');
    bar.hidden = !m;
    byId('reply-what').textContent = m ? `Replying to #${m.seq} from ${m.sender}` : '';
    if (m) byId<HTMLTextAreaElement>('composer-text').focus();
  }

  message(id: string): Message | undefined {
    return this.byMessageId.get(id);
  }

  closeResults(): void {
    byId('results').hidden = true;
    byId('results-list').replaceChildren();
  }

  /** Fetched with the room's key (a plain link could not send it), then saved as a file. */
  async download(format: 'jsonl' | 'markdown'): Promise<void> {
    const text = await this.client.exportRoom(this.room.id, format);
    const type = format === 'jsonl' ? 'application/x-ndjson' : 'text/markdown';
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h('a', { href: url, download: `${this.room.name}-${this.room.id}.${format === 'jsonl' ? 'jsonl' : 'md'}` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  async post(sender: string, content: string, to: string[]): Promise<void> {
    const replyTo = this.replyingTo?.id;
    // type "human": a post from the UI is a person's, which releases a room's loop guard.
    await this.client.send(this.room.id, { sender, content, type: 'human', ...(to.length > 0 && { to }), ...(replyTo && { replyTo }) });
    if (this.replyingTo?.id === replyTo) this.setReply(undefined);
  }
}
