// Hooks and their delivery cursors in the data folder: DATA/webhooks/<roomId>.json, one small file per room, replaced
// atomically (temp file + rename) so a crash leaves the old or the new version, never a torn one.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../store/errors.js';
import { ROOM_ID_PATTERN } from '../store/ids.js';
import type { HookLease, HookRecord, HookState } from '../store/fleet-contract.js';
import { soleLease } from './hook-state.js';

interface HookFileData {
  version: 1;
  hooks: HookRecord[];
}

interface Writer {
  /** The write that has not started yet: later saves ride on it. */
  queued?: Promise<void>;
  /** The end of the last write started. */
  tail: Promise<void>;
}

/** The hook state of one server: the records its workers change in place, written per room. */
export class HookFiles implements HookState {
  private readonly writers = new Map<string, Writer>();
  /** Per room, by hook id: the very records the workers hold, so a write takes their latest state. */
  private readonly rooms = new Map<string, Map<string, HookRecord>>();

  constructor(readonly dir: string) {}

  async loadRoom(roomId: string): Promise<HookRecord[]> {
    return [...(this.rooms.get(roomId)?.values() ?? [])];
  }

  async loadHook(roomId: string, hookId: string): Promise<HookRecord | undefined> {
    return this.rooms.get(roomId)?.get(hookId);
  }

  async add(hook: HookRecord, max: number): Promise<boolean> {
    let hooks = this.rooms.get(hook.roomId);
    if (!hooks) this.rooms.set(hook.roomId, (hooks = new Map()));
    if (hooks.size >= max) return false;
    hooks.set(hook.id, hook);
    try {
      await this.save(hook.roomId);
    } catch (err) {
      hooks.delete(hook.id);
      throw err;
    }
    return true;
  }

  async update(hook: HookRecord): Promise<boolean> {
    if (this.rooms.get(hook.roomId)?.get(hook.id) !== hook) return true; // removed: nothing to write
    await this.save(hook.roomId);
    return true;
  }

  async remove(roomId: string, hookId: string): Promise<void> {
    this.rooms.get(roomId)?.delete(hookId);
    await this.save(roomId);
  }

  async removeRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    await this.save(roomId);
  }

  lease(): HookLease {
    return soleLease();
  }

  async watch(): Promise<() => void> {
    return () => {}; // nobody else writes this folder: the data folder's lock sees to that
  }

  /** Every stored hook, by room. */
  async loadAll(): Promise<Map<string, HookRecord[]>> {
    await mkdir(this.dir, { recursive: true });
    const byRoom = new Map<string, HookRecord[]>();
    for (const name of await readdir(this.dir)) {
      const roomId = name.endsWith('.json') ? name.slice(0, -5) : '';
      if (!ROOM_ID_PATTERN.test(roomId)) continue; // temp files and strangers
      const path = join(this.dir, name);
      let data: HookFileData;
      try {
        data = JSON.parse(await readFile(path, 'utf8')) as HookFileData;
      } catch (err) {
        // A file that cannot be read stops the start (like a corrupt catalog) rather than be lost or overwritten.
        throw new StoreError('corrupt', `The webhook file ${path} is not valid JSON (${(err as Error).message}). It was not changed: repair it or move it away, then start again.`);
      }
      if (!Array.isArray(data?.hooks)) throw new StoreError('corrupt', `The webhook file ${path} has no "hooks" list. It was not changed.`);
      byRoom.set(roomId, data.hooks);
      this.rooms.set(roomId, new Map(data.hooks.map((h) => [h.id, h])));
    }
    return byRoom;
  }

  /**
   * Writes the room's hooks as they are when the write starts. Saves that arrive while a write is running share the
   * next one, so a busy room costs at most one write in flight and one waiting.
   */
  private save(roomId: string): Promise<void> {
    let w = this.writers.get(roomId);
    if (!w) this.writers.set(roomId, (w = { tail: Promise.resolve() }));
    if (w.queued) return w.queued;
    const writer = w;
    const queued = writer.tail.then(() => {
      writer.queued = undefined;
      return this.write(roomId, [...(this.rooms.get(roomId)?.values() ?? [])].map((h) => ({ ...h })));
    });
    writer.queued = queued;
    writer.tail = queued.catch(() => {});
    return queued;
  }

  /** Waits for every write started or queued. */
  async flush(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.tail));
  }

  private async write(roomId: string, hooks: HookRecord[]): Promise<void> {
    const path = join(this.dir, `${roomId}.json`);
    if (hooks.length === 0) return rm(path, { force: true });
    const data: HookFileData = { version: 1, hooks };
    await writeFile(`${path}.tmp`, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }
}
