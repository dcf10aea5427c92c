// `mcp`: an MCP server on stdio for coding agents, a client of a running server (the SDK loads only for this command).
import type { Command } from 'commander';
import { serverFor } from '../connect.js';
import type { CliIo } from '../io.js';
import { globals } from '../options.js';

export function registerMcp(program: Command, io: CliIo): void {
  program
    .command('mcp')
    .description('serve MCP tools on stdin/stdout for an agent (Claude Code, Cursor, Codex...)')
    .option('--room <id>', 'default room for the tools (or IM_ROOM)')
    .action(async (opts: { room?: string }, cmd: Command) => {
      const g = globals(cmd);
      const { runStdioServer } = await import('../../mcp/stdio.js');
      const key = g.key ?? io.env.IM_KEY;
      const room = opts.room ?? io.env.IM_ROOM;
      const sender = g.as ?? io.env.IM_SENDER;
      // Neither given: an agent key names the agent, else it is "mcp" (src/mcp/caller.ts).
      await runStdioServer({
        server: serverFor(io, g),
        ...(sender !== undefined && { sender }),
        ...(key && { key }),
        ...(room && { room }),
        log: (m) => io.err(`${m}\n`),
      });
    });
}
