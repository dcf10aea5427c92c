// `room create NAME` (prints the id, and with auth on the room's keys), `room list` / `room show ID`, `room who ID`,
// and the lifecycle commands of room-lifecycle.ts.
import type { Command } from 'commander';
import { colors, type CliIo } from '../io.js';
import { clientFor } from '../connect.js';
import { formatPresence, formatRoom, jsonLines } from '../format.js';
import { globals, parseWholeNumber } from '../options.js';
import { registerRoomLifecycle } from './room-lifecycle.js';

export function registerRoom(program: Command, io: CliIo): void {
  const room = program.command('room').description('create, list, change and delete rooms');

  room
    .command('create')
    .description("create a room and print its id (with auth on, also its keys: on stderr when stdout is not a terminal)")
    .argument('<name...>', 'the room name')
    .option('--json', 'print the whole room, keys included, as JSON')
    .action(async (name: string[], opts: { json?: boolean }, cmd: Command) => {
      const flags = globals(cmd);
      const created = await clientFor(io, flags).createRoom(name.join(' '));
      if (opts.json) return io.out(`${JSON.stringify(created)}\n`);
      io.out(`${created.roomId}\n`);
      // A key was needed to create it, so auth is on and the room's keys are the only way in; the server keeps only
      // their digests. `ROOM=$(im-for-agents room create x)` still gets the id alone on stdout.
      if (!(flags.key ?? io.env.IM_KEY)) return;
      const keys = `write key: ${created.keys.write}\nread key:  ${created.keys.read}\n`;
      (io.interactive ? io.out : io.err)(keys);
      io.err('These keys are shown this once: keep them. The write key posts and reads; the read key only reads.\n');
    });

  room
    .command('list')
    .description('list rooms, newest activity first')
    .option('--limit <n>', 'print only the newest N rooms (default: all, fetched a page at a time)', parseWholeNumber('--limit', 1))
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (opts: { json?: boolean; limit?: number }, cmd: Command) => {
      const client = clientFor(io, globals(cmd));
      const query = opts.limit !== undefined ? { limit: opts.limit } : {};
      // Printed page by page: the first rooms show at once, also on a server with 100,000 of them.
      const c = colors(io);
      let printed = 0;
      for await (const page of client.roomPages(query)) {
        io.out(opts.json ? jsonLines(page) : page.map((r) => formatRoom(r, c)).join(''));
        printed += page.length;
      }
      if (printed === 0 && !opts.json) io.err('No rooms yet. Create one with `im-for-agents room create NAME`.\n');
    });

  room
    .command('show')
    .description('print one room as JSON')
    .argument('<room>', 'room id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      io.out(`${JSON.stringify(await clientFor(io, globals(cmd)).getRoom(id))}\n`);
    });

  room
    .command('who')
    .description("who listens on a room now (a stream, long-poll, MCP wait or `on` loop named by --as or an agent key), and each name's last request and post")
    .argument('<room>', 'room id')
    .option('--json', 'one JSON object per name (NDJSON)')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const { agents } = await clientFor(io, globals(cmd)).presence(id);
      if (opts.json) return io.out(jsonLines(agents));
      if (agents.length === 0) return io.err('Nobody yet: name listeners with --as NAME (e.g. im-for-agents wait ROOM --as NAME).\n');
      io.out(formatPresence(agents, colors(io)));
    });

  registerRoomLifecycle(room, io);
}
