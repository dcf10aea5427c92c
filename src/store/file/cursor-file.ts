// A room's inbox read cursors in one small file beside its log: JSON objects of name -> seq, one a line, the later
// line winning; a move appends one line, and the file is rewritten whole (temp file + rename) once the appended lines
// outnumber the names.
import { open, readFile, rm } from 'node:fs/promises';
import { MAX_INBOX_NAMES } from '../../api/limits.js';
import { atomicTemp, writeFileAtomic } from '../../atomic-write.js';
import { StoreError, tooManyNames } from '../errors.js';

/** Appended lines a file may gather before it is rewritten whole, beyond one per name. */
const SLACK_LINES = 64;

/**
 * Loaded on first use, so rooms nobody acknowledges in never read the file; moves are written one at a time, in
 * order, and a move resolves only once its line is on disk. An append costs one line whatever the number of names;
 * the rewrite that bounds the file costs one per name and comes at most once per (names + 64) moves. A line torn by a
 * crash is the last one and is ignored (its move was never acknowledged); the next move then rewrites the file whole.
 */
export class CursorFile {
  private cursors: Map<string, number> | undefined;
  private loading: Promise<Map<string, number>> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** Lines in the file beyond the first; past names + SLACK_LINES the next move rewrites it. Infinity: rewrite next. */
  private appended = 0;

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

  /**
   * Moves `name` forward to `seq` (never back); resolves with the cursor after the move, once it is on disk. A new
   * name past MAX_INBOX_NAMES is a StoreError('limit'), unless `exempt` (a name with an agent key, or migrate).
   */
  set(name: string, seq: number, exempt = false): Promise<number> {
    const next = this.chain.then(async () => {
      const cursors = await this.load();
      const before = cursors.get(name) ?? 0;
      if (seq <= before) return before;
      if (before === 0 && !exempt && cursors.size >= MAX_INBOX_NAMES) throw tooManyNames();
      cursors.set(name, seq);
      try {
        if (this.appended >= cursors.size + SLACK_LINES) await this.write(cursors);
        else await this.append(name, seq);
      } catch (err) {
        cursors.set(name, before);
        if (before === 0) cursors.delete(name);
        this.appended = Infinity; // a line may be half written: the next move replaces the file
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
    await Promise.all([rm(this.path, { force: true }), rm(atomicTemp(this.path), { force: true })]);
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
    const cursors = new Map<string, number>();
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const [i, line] of lines.entries()) {
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch (err) {
        // Only the last line can be torn (a crash during an append that was never acknowledged).
        if (i === lines.length - 1 && !text.endsWith('\n')) break;
        this.loading = undefined;
        throw new StoreError('corrupt', `The read cursors ${this.path} are not valid JSON (line ${i + 1}). They were not changed.`, { cause: err });
      }
      const entries = data !== null && typeof data === 'object' ? Object.entries(data) : [];
      for (const [name, seq] of entries) {
        if (Number.isSafeInteger(seq) && (seq as number) > (cursors.get(name) ?? 0)) cursors.set(name, seq as number);
      }
    }
    // A last line without its newline would run into the next append's line: the next move rewrites the file.
    this.appended = text === '' || text.endsWith('\n') ? lines.length - 1 : Infinity;
    return cursors;
  }

  private async append(name: string, seq: number): Promise<void> {
    const fh = await open(this.path, 'a');
    try {
      await fh.writeFile(`${JSON.stringify({ [name]: seq })}\n`);
      if (this.fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
    this.appended++;
  }

  private async write(cursors: Map<string, number>): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(Object.fromEntries(cursors))}\n`, { fsync: this.fsync });
    this.appended = 0;
  }
}
