// `on ROOM -- COMMAND [ARGS...]`: runs COMMAND once per new message, in order, one at a time, with the message as JSON
// on its stdin and IM_* variables in its environment; --cursor FILE makes a restart neither skip nor repeat one.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { matchesWait, type WaitFilter } from '../../api/wait-rule.js';
import type { Message } from '../../api/types.js';
import { writeFileAtomic } from '../../atomic-write.js';
import { clientFor } from '../connect.js';
import { CliError, type CliIo } from '../io.js';
import { globals, parseWholeNumber } from '../options.js';

interface OnOptions {
  from?: string;
  to?: string;
  type?: string;
  cursor?: string;
  after?: number;
  stopOnError?: boolean;
}

/** Longest IM_CONTENT passed in the environment: Linux refuses one variable past 128 KiB (stdin has it all). */
export const MAX_ENV_CONTENT = 100_000;

interface CursorFile {
  roomId: string;
  seq: number;
}

async function readCursor(path: string, roomId: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read the cursor file ${path}: ${(err as Error).message}`);
  }
  let data: Partial<CursorFile>;
  try {
    data = JSON.parse(text) as Partial<CursorFile>;
  } catch {
    throw new CliError(`The cursor file ${path} is not valid JSON; remove it to start from now.`);
  }
  if (data.roomId !== roomId) throw new CliError(`The cursor file ${path} belongs to room ${data.roomId}; give each room its own file.`, 2);
  if (!Number.isSafeInteger(data.seq) || data.seq! < 0) throw new CliError(`The cursor file ${path} holds no valid seq; remove it to start from now.`);
  return data.seq;
}

/** Replaced in one rename, so a crash leaves the old seq or the new one. */
async function writeCursor(path: string, cursor: CursorFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(cursor)}\n`);
}

function messageEnv(m: Message): Record<string, string> {
  const long = m.content.length > MAX_ENV_CONTENT;
  return {
    IM_ROOM: m.roomId,
    IM_SEQ: String(m.seq),
    IM_ID: m.id,
    IM_SENDER: m.sender,
    IM_CONTENT: long ? m.content.slice(0, MAX_ENV_CONTENT) : m.content,
    IM_TYPE: m.type ?? '',
    IM_TO: m.to?.join(',') ?? '',
    ...(long && { IM_CONTENT_TRUNCATED: '1' }),
  };
}

/** The command must be there and runnable before the first message comes: a typo would otherwise sit silent until then.
 *  A name without a slash is looked up in PATH, as spawn will. */
async function requireCommand(command: string, env: NodeJS.ProcessEnv): Promise<void> {
  const runnable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const path of candidates) if (await runnable(path)) return;
  const why = command.includes('/') ? 'no such runnable file (check the path, and chmod +x it)' : 'not found in PATH';
  throw new CliError(`Command not found: ${command} (${why}); on runs it once per message, so it must exist before the first one.`, 2);
}

/** Runs the command for one message; resolves with a failure description, or undefined when it exited 0. */
function runFor(command: string[], m: Message, io: CliIo): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { env: { ...io.env, ...messageEnv(m) }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => io.out(d.toString()));
    child.stderr.on('data', (d: Buffer) => io.err(d.toString()));
    child.stdin.on('error', () => {}); // a command that does not read its stdin may exit before we finish writing
    child.stdin.end(`${JSON.stringify(m)}\n`);
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new CliError(`Command not found: ${command[0]}`, 2));
      else resolve(err.message);
    });
    child.once('close', (code, signal) => resolve(code === 0 ? undefined : signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });
}

/** The stream's messages until the signal fires, even when a read is blocked on a body the signal does not reach. */
async function* untilAborted<T>(source: AsyncGenerator<T>, signal: AbortSignal): AsyncGenerator<T> {
  const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
  try {
    for (;;) {
      const next = await Promise.race([source.next(), aborted]);
      if (!next || next.done) return;
      yield next.value;
    }
  } finally {
    void source.return(undefined);
  }
}

export function registerOn(program: Command, io: CliIo, signal?: AbortSignal): void {
  program
    .command('on')
    .description('run a command once per new message (message JSON on its stdin, IM_* in its environment)')
    .argument('<room>', 'room id')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--from <sender>', 'only messages from this sender')
    .option('--to <name>', 'only messages addressed to this name (to or @mention)')
    .option('--type <type>', 'only messages of this type')
    .option('--cursor <file>', 'keep the last handled seq in this file, and start after it')
    .option('--after <seq>', 'start after this seq when there is no cursor yet (default: after your own latest message with --as, else new messages only)', parseWholeNumber('--after'))
    .option('--stop-on-error', 'stop (exit 1) when the command fails, without marking that message handled')
    .action(async (room: string, command: string[], opts: OnOptions, cmd: Command) => {
      await requireCommand(command[0]!, io.env);
      const client = clientFor(io, globals(cmd));
      const saved = opts.cursor ? await readCursor(opts.cursor, room) : undefined;
      // Without one, the server starts by the wait rule (src/api/wait-rule.ts); the room is looked up either way, so a
      // wrong id or key fails at start.
      const after = saved ?? opts.after;
      await client.getRoom(room);
      const filter: WaitFilter = { ...(opts.from !== undefined && { from: opts.from }), ...(opts.to !== undefined && { to: opts.to }), ...(opts.type !== undefined && { type: opts.type }) };
      // SIGINT / SIGTERM: let the running command finish and its seq be saved, then stop.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const signals = AbortSignal.any([stop.signal, ...(signal ? [signal] : [])]);
      try {
        const stream = client.stream(room, {
          ...(after !== undefined && { after }),
          signal: signals,
          onState: (state, detail) => {
            if (state === 'retrying') io.err(`connection lost (${detail ?? 'closed'}); reconnecting…\n`);
          },
        });
        for await (const m of untilAborted(stream, signals)) {
          if (matchesWait(m, filter)) {
            const failure = await runFor(command, m, io);
            if (failure && opts.stopOnError) throw new CliError(`${command[0]} ${failure} for seq ${m.seq}; stopped there (not marked handled).`);
            if (failure) io.err(`error: ${command[0]} ${failure} for seq ${m.seq}; going on\n`);
          }
          if (opts.cursor) await writeCursor(opts.cursor, { roomId: room, seq: m.seq });
          if (signals.aborted) break;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
