// `room create NAME` (prints the id alone) and `room list` / `room show ID`.
import type { Command } from 'commander';
import { colors, type CliIo } from '../io.js';
import { clientFor } from '../connect.js';
import { formatRoom } from '../format.js';
import { globals } from '../options.js';

export function registerRoom(program: Command, io: CliIo): void {
  const room = program.command('room').description('create and list rooms');

  room
    .command('create')
    .description('create a room and print its id')
    .argument('<name...>', 'the room name')
    .option('--json', 'print the whole room as JSON')
    .action(async (name: string[], opts: { json?: boolean }, cmd: Command) => {
      const created = await clientFor(io, globals(cmd)).createRoom(name.join(' '));
      io.out(opts.json ? `${JSON.stringify(created)}\n` : `${created.roomId}\n`);
    });

  room
    .command('list')
    .description('list rooms, newest activity first')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rooms = await clientFor(io, globals(cmd)).listRooms();
      if (opts.json) return io.out(`${JSON.stringify(rooms)}\n`);
      const c = colors(io);
      for (const r of rooms) io.out(formatRoom(r, c));
      if (rooms.length === 0) io.err('No rooms yet. Create one with `im-for-agents room create NAME`.\n');
    });

  room
    .command('show')
    .description('print one room as JSON')
    .argument('<room>', 'room id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      io.out(`${JSON.stringify(await clientFor(io, globals(cmd)).getRoom(id))}\n`);
    });
}
