// `room rename|topic|set|delete|rotate-keys`: a room's life after `room create`, each one call of the client.
import type { Command } from 'commander';
import { MAX_LOOP_GUARD } from '../../api/limits.js';
import type { Room, RoomPatch } from '../../api/types.js';
import { confirm } from '../confirm.js';
import { clientFor } from '../connect.js';
import { CliError, type CliIo } from '../io.js';
import { globals } from '../options.js';

interface SetOptions {
  loopGuard?: number | 'off';
  agentKeysOnly?: boolean;
  json?: boolean;
}

/** `--loop-guard`: a cap of 1 to MAX_LOOP_GUARD, or `off` (kept as the word: commander turns a null into ''). */
function parseLoopGuard(raw: string): number | 'off' {
  if (raw === 'off') return raw;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LOOP_GUARD) throw new CliError(`--loop-guard must be a whole number from 1 to ${MAX_LOOP_GUARD}, or off (got "${raw}")`, 2);
  return n;
}

function parseOnOff(name: string) {
  return (raw: string): boolean => {
    if (raw === 'on' || raw === 'off') return raw === 'on';
    throw new CliError(`${name} must be on or off (got "${raw}")`, 2);
  };
}

/** Adds the lifecycle subcommands to the `room` command. */
export function registerRoomLifecycle(room: Command, io: CliIo): void {
  /** Sends the patch; prints the room as JSON with --json, else one line on stderr saying what changed. */
  const update = async (cmd: Command, id: string, patch: RoomPatch, json: boolean | undefined, said: (r: Room) => string) => {
    const updated = await clientFor(io, globals(cmd)).updateRoom(id, patch);
    if (json) io.out(`${JSON.stringify(updated)}\n`);
    else io.err(`${said(updated)}\n`);
  };

  room
    .command('rename')
    .description('give a room a new name (its id stays)')
    .argument('<room>', 'room id')
    .argument('<name...>', 'the new name')
    .option('--json', 'print the room as JSON')
    .action(async (id: string, name: string[], opts: { json?: boolean }, cmd: Command) => {
      await update(cmd, id, { name: name.join(' ') }, opts.json, (r) => `Room ${r.id} is now named "${r.name}".`);
    });

  room
    .command('topic')
    .description("set a room's topic, or clear it with --clear")
    .argument('<room>', 'room id')
    .argument('[text...]', 'the topic')
    .option('--clear', 'remove the topic')
    .option('--json', 'print the room as JSON')
    .action(async (id: string, text: string[], opts: { clear?: boolean; json?: boolean }, cmd: Command) => {
      if (Boolean(opts.clear) === (text.length > 0)) throw new CliError('give the topic text, or --clear to remove it (not both)', 2);
      await update(cmd, id, { topic: opts.clear ? null : text.join(' ') }, opts.json, (r) =>
        r.topic === undefined ? `Room ${r.id} has no topic now.` : `Room ${r.id}'s topic is now "${r.topic}".`,
      );
    });

  room
    .command('set')
    .description("change a room's settings")
    .argument('<room>', 'room id')
    .option('--loop-guard <n|off>', 'most agent messages in a row without a human one (1 to 1000), or off', parseLoopGuard)
    .option('--agent-keys-only <on|off>', "on: posts need an agent key (the room's write key alone is refused)", parseOnOff('--agent-keys-only'))
    .option('--json', 'print the room as JSON')
    .action(async (id: string, opts: SetOptions, cmd: Command) => {
      const settings: NonNullable<RoomPatch['settings']> = {};
      if (opts.loopGuard !== undefined) settings.loopGuard = opts.loopGuard === 'off' ? null : opts.loopGuard;
      // Off is the default, so "off" clears the setting (null) rather than storing false.
      if (opts.agentKeysOnly !== undefined) settings.agentKeysOnly = opts.agentKeysOnly || null;
      if (Object.keys(settings).length === 0) throw new CliError('give at least one setting: --loop-guard N|off, --agent-keys-only on|off', 2);
      await update(cmd, id, { settings }, opts.json, (r) => {
        const s = r.settings ?? {};
        return `Room ${r.id}: loop guard ${s.loopGuard ?? 'off'}, agent keys only ${s.agentKeysOnly ? 'on' : 'off'}.`;
      });
    });

  room
    .command('delete')
    .description('delete a room with all its messages, for good (asks first on a terminal; --yes in scripts)')
    .argument('<room>', 'room id')
    .option('-y, --yes', 'do not ask (needed when stdin is not a terminal)')
    .action(async (id: string, opts: { yes?: boolean }, cmd: Command) => {
      const client = clientFor(io, globals(cmd));
      if (!opts.yes) {
        // Shown by name and size, so the person sees which room they are about to lose.
        const r = await client.getRoom(id);
        await confirm(io, `Delete room "${r.name}" (${r.id}) and its ${r.messageCount} message(s)? This cannot be undone.`, 'Deleting a room');
      }
      await client.deleteRoom(id);
      io.err(`Deleted room ${id}.\n`);
    });

  room
    .command('rotate-keys')
    .description("replace a room's write and read keys; prints the new ones (shown once), the old ones stop working")
    .argument('<room>', 'room id')
    .option('--json', 'print {"roomId","keys"} as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const rotated = await clientFor(io, globals(cmd)).rotateKeys(id);
      io.out(opts.json ? `${JSON.stringify(rotated)}\n` : `write key: ${rotated.keys.write}\nread key:  ${rotated.keys.read}\n`);
      io.err('These keys are shown this once: keep them. The old write and read keys are refused from now on.\n');
    });
}
