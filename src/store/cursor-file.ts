// A room's inbox read cursors in one small JSON file beside its log, written whole (temp file + rename) on each move.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { StoreError } from './errors.js';

/**
 * Loaded on first use, so rooms nobody acknowledges in never read the file; moves are written one at a time, in
 * order, and a move resolves only once its file is in place (the rename makes the file whole or absent, never torn).
 */
export class CursorFile {
  private cursors: Map<string, number> | undefined;
  private loading: Promise<Map<string, number>> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly fsync: boolean,
  ) {}

  async get(name: string): Promise<number> {
    return (await this.load()).get(name) ?? 0;
  }

  /** Every cursor, by name. */
  async all(): Promise<Record<string, number>> {
    return Object.fromEntries(await this.load());
  }

  /** Moves `name` forward to `seq` (never back); resolves with the cursor after the move, once it is on disk. */
  set(name: string, seq: number): Promise<number> {
    const next = this.chain.then(async () => {
      const cursors = await this.load();
      const before = cursors.get(name) ?? 0;
      if (seq <= before) return before;
      cursors.set(name, seq);
      try {
        await this.write(cursors);
      } catch (err) {
        cursors.set(name, before);
        if (before === 0) cursors.delete(name);
        throw new StoreError('unavailable', `Could not write the read cursors ${this.path}: ${(err as Error).message}`, { cause: err });
      }
      return seq;
    });
    this.chain = next.catch(() => {});
    return next;
  }

  /** Waits for moves under way (before the file is removed with its room). */
  async settle(): Promise<void> {
    await this.chain;
  }

  /** Removes the file (and a temp file a crash left behind). */
  async remove(): Promise<void> {
    await this.settle();
    await Promise.all([rm(this.path, { force: true }), rm(`${this.path}.tmp`, { force: true })]);
  }

  private load(): Promise<Map<string, number>> {
    if (this.cursors) return Promise.resolve(this.cursors);
    this.loading ??= this.read().then((m) => (this.cursors = m));
    return this.loading;
  }

  private async read(): Promise<Map<string, number>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      this.loading = undefined;
      throw new StoreError('unavailable', `Could not read the read cursors ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      this.loading = undefined;
      throw new StoreError('corrupt', `The read cursors ${this.path} are not valid JSON. They were not changed.`, { cause: err });
    }
    const cursors = new Map<string, number>();
    const entries = data !== null && typeof data === 'object' ? Object.entries(data) : [];
    for (const [name, seq] of entries) if (Number.isSafeInteger(seq) && (seq as number) > 0) cursors.set(name, seq as number);
    return cursors;
  }

  private async write(cursors: Map<string, number>): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(Object.fromEntries(cursors))}\n`);
      if (this.fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
  }
}
