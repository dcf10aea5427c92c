// `send ROOM [TEXT...]`: posts one message (text from the arguments, else standard input) and prints its seq.
import type { Command } from 'commander';
import { isAgentKey } from '../../api/key-prefixes.js';
import type { MessageInput } from '../../api/types.js';
import { CliError, type CliIo } from '../io.js';
import { clientFor } from '../connect.js';
import { collectNames, globals } from '../options.js';

interface SendOptions {
  to?: string[];
  replyTo?: string;
  type?: string;
  metadata?: string;
  json?: boolean;
}

export function registerSend(program: Command, io: CliIo): void {
  program
    .command('send')
    .description('post a message; with no TEXT, reads it from standard input; prints the new seq')
    .argument('<room>', 'room id')
    .argument('[text...]', 'message text (joined with spaces)')
    .option('--to <names>', 'recipients, comma-separated or repeated', collectNames)
    .option('--reply-to <id>', 'id of the message this answers')
    .option('--type <type>', 'a message type for machines, e.g. task, result')
    .option('--metadata <json>', 'a JSON object attached to the message')
    .option('--json', 'print the stored message as JSON')
    .action(async (room: string, words: string[], opts: SendOptions, cmd: Command) => {
      const content = words.length > 0 ? words.join(' ') : await readStdin(io);
      const flags = globals(cmd);
      // An agent key posts under its agent's name: the server fills it in when no name is given.
      const sender = flags.as ?? io.env.IM_SENDER ?? (isAgentKey(flags.key ?? io.env.IM_KEY) ? undefined : 'cli');
      const input = { ...(sender !== undefined && { sender }), content } as MessageInput;
      if (opts.to?.length) input.to = opts.to;
      if (opts.replyTo) input.replyTo = opts.replyTo;
      if (opts.type) input.type = opts.type;
      if (opts.metadata !== undefined) input.metadata = parseMetadata(opts.metadata);
      const message = await clientFor(io, flags).send(room, input);
      io.out(opts.json ? `${JSON.stringify(message)}\n` : `${message.seq}\n`);
    });
}

async function readStdin(io: CliIo): Promise<string> {
  if (io.stdin.isTTY) throw new CliError('Give the message text as arguments, or pipe it in on standard input.', 2);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  // One trailing newline is the shell's, not the message's.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function parseMetadata(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new CliError(`--metadata is not valid JSON: ${(err as Error).message}`, 2);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError('--metadata must be a JSON object, e.g. \'{"task":42}\'', 2);
  }
  return value as Record<string, unknown>;
}
