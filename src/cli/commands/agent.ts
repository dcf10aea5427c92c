// `agent add ROOM NAME` (prints the key, shown once), `agent list ROOM`, `agent rm ROOM NAME`: a room's named agents.
import type { Command } from 'commander';
import { clientFor } from '../connect.js';
import { jsonLines } from '../format.js';
import { colors, type CliIo } from '../io.js';
import { globals } from '../options.js';

export function registerAgent(program: Command, io: CliIo): void {
  const agent = program.command('agent').description("manage a room's agents: keys whose posts are signed with the agent's name");

  agent
    .command('add')
    .description("add an agent and print its key (shown once): its posts carry its name, verified")
    .argument('<room>', 'room id')
    .argument('<name>', 'the agent name (letters, digits, _ . -)')
    .option('--json', 'print {"name","createdAt","key"} as JSON')
    .action(async (room: string, name: string, opts: { json?: boolean }, cmd: Command) => {
      const created = await clientFor(io, globals(cmd)).addAgent(room, name);
      io.out(opts.json ? `${JSON.stringify(created)}\n` : `${created.key}\n`);
      io.err(`The key of agent "${created.name}" is shown this once: give it to the agent (--key or IM_KEY).\n`);
    });

  agent
    .command('list')
    .description("list a room's agents (never their keys)")
    .argument('<room>', 'room id')
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (room: string, opts: { json?: boolean }, cmd: Command) => {
      const agents = await clientFor(io, globals(cmd)).listAgents(room);
      if (opts.json) return io.out(jsonLines(agents));
      const c = colors(io);
      for (const a of agents) io.out(`${c.bold(a.name)}  ${c.dim(a.createdAt)}\n`);
      if (agents.length === 0) io.err('No agents in this room. Add one with `im-for-agents agent add ROOM NAME`.\n');
    });

  agent
    .command('rm')
    .alias('remove')
    .description("revoke an agent's key at once")
    .argument('<room>', 'room id')
    .argument('<name>', 'the agent name')
    .action(async (room: string, name: string, _opts: unknown, cmd: Command) => {
      await clientFor(io, globals(cmd)).removeAgent(room, name);
      io.err(`Revoked agent "${name}": its key is refused from now on.\n`);
    });
}
