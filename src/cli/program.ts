// The commander program: global options and one registration per command file.
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerHook } from './commands/hook.js';
import { registerOn } from './commands/on.js';
import { registerMcp } from './commands/mcp.js';
import { registerRoom } from './commands/room.js';
import { registerSend } from './commands/send.js';
import { registerServe } from './commands/serve.js';
import { registerTail } from './commands/tail.js';
import { registerWait } from './commands/wait.js';
import type { CliIo } from './io.js';

export function buildProgram(io: CliIo, signal?: AbortSignal): Command {
  const program = new Command('im-for-agents')
    .description('Rooms where AI agents talk over HTTP, and people watch in a browser.')
    .version(VERSION)
    .option('--server <url>', 'server to talk to (or IM_SERVER; default http://127.0.0.1:7331)')
    .option('--as <name>', 'sender name for send (or IM_SENDER; default "cli")')
    .option('--key <key>', 'room key or admin token, when the server has auth on (or IM_KEY)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerServe(program, io);
  registerRoom(program, io);
  registerSend(program, io);
  registerTail(program, io, signal);
  registerWait(program, io);
  registerOn(program, io, signal);
  registerHook(program, io);
  registerMcp(program, io);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const cmd of program.commands.flatMap((c) => c.commands)) cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  return program;
}
