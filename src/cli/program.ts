// The commander program: global options, and each command loaded only when it runs, so a call pays for its own code.
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerAgent } from './commands/agent.js';
import { registerExport } from './commands/export.js';
import { registerHook } from './commands/hook.js';
import { registerInbox } from './commands/inbox.js';
import { registerMcp } from './commands/mcp.js';
import { registerOn } from './commands/on.js';
import { registerRedact } from './commands/redact.js';
import { registerRoom } from './commands/room.js';
import { registerSearch } from './commands/search.js';
import { registerSend } from './commands/send.js';
import { registerTail } from './commands/tail.js';
import { registerThread } from './commands/thread.js';
import { registerWait } from './commands/wait.js';
import { CliError, type CliIo } from './io.js';
import { parseSeconds } from './options.js';
import { closest } from './suggest.js';

/** A command file's export: adds its command to `program` with `program.command(NAME)`, as commander examples do. */
export type Register = (program: Command, io: CliIo, signal?: AbortSignal) => void;

interface LazyCommand {
  name: string;
  /** One line for the command list of `--help`, before the command's file is loaded. */
  summary: string;
  isDefault?: boolean;
  /** Hides the client options (--server, --as, --key...) from the command's own help, where they mean nothing. */
  noGlobals?: boolean;
  load: () => Promise<Register>;
}

/**
 * Every command, by name. A command is defined (its file's Register function runs) only when it runs, or when help
 * lists them all. Client commands are small and imported statically: they are bundled into dist/cli.js, which is
 * one file to load. A command that needs heavy code (the server, the store, zod, a protocol SDK) is imported with
 * `import()` in `load`, so that the bundler puts it in a chunk of its own and a `send` never loads it; inside a
 * command's action, `await import()` what only the action needs. To add a command: write src/cli/commands/NAME.ts
 * exporting a Register function, and add one line here (`{ name, summary, load }`).
 */
const COMMANDS: LazyCommand[] = [
  { name: 'serve', summary: 'run the server (the default command)', isDefault: true, noGlobals: true, load: async () => (await import('./commands/serve.js')).registerServe },
  { name: 'room', summary: 'create, list, rename, set, delete rooms and rotate their keys', load: async () => registerRoom },
  { name: 'agent', summary: "add, list and revoke a room's agent keys", load: async () => registerAgent },
  { name: 'send', summary: 'post a message', load: async () => registerSend },
  { name: 'tail', summary: 'print the last messages of a room; -f keeps printing new ones', load: async () => registerTail },
  { name: 'wait', summary: 'wait for the next message, print it and exit', load: async () => registerWait },
  { name: 'on', summary: 'run a command once per new message', load: async () => registerOn },
  { name: 'search', summary: 'print the newest messages matching text, --sender or --to', load: async () => registerSearch },
  { name: 'thread', summary: 'print a message and its replies, indented', load: async () => registerThread },
  { name: 'export', summary: 'write the whole room to stdout as JSON Lines or Markdown', load: async () => registerExport },
  { name: 'redact', summary: 'replace one message\'s content by "[redacted]" for good', load: async () => registerRedact },
  { name: 'inbox', summary: "print a name's unread messages; --ack marks them read", load: async () => registerInbox },
  { name: 'hook', summary: 'add, list and remove webhooks of a room', load: async () => registerHook },
  { name: 'migrate', summary: 'copy a whole store to another (folder or Redis) and verify it', noGlobals: true, load: async () => (await import('./commands/migrate.js')).registerMigrate },
  { name: 'mcp', summary: 'serve MCP tools on stdin/stdout for an agent', load: async () => registerMcp },
];

export async function runProgram(argv: string[], io: CliIo, signal?: AbortSignal): Promise<void> {
  const program = new Command('im-for-agents')
    .description('Rooms where AI agents talk over HTTP, and people watch in a browser.')
    .version(VERSION)
    .option('--server <url>', 'server to talk to (or IM_SERVER; default http://127.0.0.1:7331)')
    .option('--as <name>', 'sender name for send (or IM_SENDER; default "cli", or the agent name with an agent key); also who listens in wait/on/tail and whose inbox')
    .option('--key <key>', 'room key or admin token, when the server has auth on (or IM_KEY)')
    .option('--connect-timeout <seconds>', 'how long the server has to answer a call, 0 for ever (or IM_CONNECT_TIMEOUT; default 10)', parseSeconds('--connect-timeout'))
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .configureHelp({ showGlobalOptions: true });
  // Subcommands inherit exitOverride, the output streams and the help settings from the program when created.
  const stubs = new Map<Command, LazyCommand>();
  for (const entry of COMMANDS) {
    const stub = program.command(entry.name, { isDefault: entry.isDefault ?? false }).summary(entry.summary);
    if (entry.noGlobals) stub.configureHelp({ showGlobalOptions: false });
    stubs.set(stub, entry);
  }
  const define = async (stub: Command) => {
    const entry = stubs.get(stub);
    if (!entry) return;
    stubs.delete(stub);
    const register = await entry.load();
    // The file's own `program.command(NAME)` gets the stub that commander has already chosen to run.
    register({ command: () => stub } as unknown as Command, io, signal);
  };
  program.hook('preSubcommand', async (_program, sub) => {
    // The default command runs when no command is named, so a mistyped one would reach it as its first argument.
    const first = program.args[0];
    if (COMMANDS.find((c) => c.isDefault)?.name === sub.name() && first !== undefined && first !== sub.name() && !first.startsWith('-')) {
      throw unknownCommand(first);
    }
    await define(sub);
  });
  // commander prints help without running the hook: what it will show is defined first. A mistyped command with
  // --help would get the program's help and exit 0, as if it existed.
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== 'help' && !COMMANDS.some((c) => c.name === first) && argv.some((a) => a === '--help' || a === '-h')) {
    throw unknownCommand(first);
  }
  const shown = helpShows(argv);
  await Promise.all([...stubs.keys()].filter((stub) => shown.includes(stub.name())).map(define));
  program.addHelpText('after', () => serverOptions(program));
  await program.parseAsync(argv, { from: 'user' });
}

/**
 * The commands a help request shows: `help send` shows send; the program's own help (`--help` before any command
 * name, or `help` alone) lists them all, with their arguments and the server's options. `send --help` goes through
 * the hook like any call.
 */
function helpShows(argv: string[]): string[] {
  const names = COMMANDS.map((c) => c.name);
  if (argv[0] === 'help') return names.includes(argv[1] ?? '') ? [argv[1]!] : names;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return names;
    if (names.includes(arg)) return [];
  }
  return [];
}

/** The top-level help also lists the server's options: serve is what `npx im-for-agents` runs. */
function serverOptions(program: Command): string {
  const serve = program.commands.find((c) => c.name() === COMMANDS.find((e) => e.isDefault)?.name);
  if (!serve || serve.options.length === 0) return '';
  const help = serve.createHelp();
  const width = help.longestOptionTermLength(serve, help);
  const items = help.visibleOptions(serve).filter((o) => o.long !== '--help').map((o) => help.formatItem(help.optionTerm(o), width, help.optionDescription(o), help));
  return `\n${help.formatItemList(`Server options (im-for-agents [${serve.name()}] [options]):`, items, help).join('\n')}`;
}

function unknownCommand(name: string): CliError {
  const guess = closest(name, COMMANDS.map((c) => c.name));
  return new CliError(`unknown command '${name}'.${guess ? ` Did you mean '${guess}'?` : ''} See im-for-agents --help.`, 2);
}
