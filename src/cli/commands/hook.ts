// `hook add ROOM URL`, `hook list ROOM`, `hook rm ROOM ID`, `hook resume ROOM ID`: a room's webhooks.
import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import { WEBHOOK_FORMATS, type Webhook, type WebhookFormat, type WebhookInput } from '../../api/webhooks.js';
import { clientFor } from '../connect.js';
import { jsonLines } from '../format.js';
import { colors, type CliIo } from '../io.js';
import { globals, parseWholeNumber } from '../options.js';

interface AddOptions {
  to?: string;
  from?: string;
  type?: string;
  format?: WebhookFormat;
  uiUrl?: string;
  after?: number;
  json?: boolean;
}

function formatHook(h: Webhook, c: ChalkInstance): string {
  const filters = [h.format && `format=${h.format}`, h.sender && `from=${h.sender}`, h.to && `to=${h.to}`, h.type && `type=${h.type}`].filter(Boolean).join(' ');
  const state = h.state === 'paused' ? c.red('paused') : c.green('active');
  const error = h.failures > 0 || h.state === 'paused' ? `  ${c.dim(`failures ${h.failures}, last error: ${h.lastError ?? '-'}`)}` : '';
  return `${h.id}  ${state}  ${c.dim(`seq ${h.lastDeliveredSeq}`)}  ${h.url}${filters ? `  ${filters}` : ''}${error}\n`;
}

export function registerHook(program: Command, io: CliIo): void {
  const hook = program.command('hook').description("manage a room's webhooks (signed POSTs of each new message)");

  hook
    .command('add')
    .description('add a webhook; prints its id and its signing secret (shown once)')
    .argument('<room>', 'room id')
    .argument('<url>', 'where to POST each new message')
    .option('--to <name>', 'only messages addressed to this name')
    .option('--from <sender>', 'only messages from this sender')
    .option('--type <type>', 'only messages of this type')
    .option('--format <format>', `the body posted: ${WEBHOOK_FORMATS.join(', ')} (a Slack or Discord webhook URL, an ntfy topic URL)`)
    .option('--ui-url <url>', 'where people open the UI, for the room link in slack/discord/ntfy posts (default: the server address)')
    .option('--after <seq>', 'also deliver the messages past this seq (default: only new ones)', parseWholeNumber('--after'))
    .option('--json', 'print the whole webhook as JSON')
    .action(async (room: string, url: string, opts: AddOptions, cmd: Command) => {
      const input: WebhookInput = { url };
      if (opts.to !== undefined) input.to = opts.to;
      if (opts.from !== undefined) input.sender = opts.from;
      if (opts.type !== undefined) input.type = opts.type;
      if (opts.format !== undefined) input.format = opts.format;
      if (opts.uiUrl !== undefined) input.uiUrl = opts.uiUrl;
      if (opts.after !== undefined) input.after = opts.after;
      const created = await clientFor(io, globals(cmd)).createWebhook(room, input);
      io.out(opts.json ? `${JSON.stringify(created)}\n` : `${created.id} ${created.secret}\n`);
      if (!opts.json) io.err('The secret (whsec_...) is shown this once; receivers verify each delivery with it.\n');
    });

  hook
    .command('list')
    .description("list a room's webhooks with their state")
    .argument('<room>', 'room id')
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(async (room: string, opts: { json?: boolean }, cmd: Command) => {
      const hooks = await clientFor(io, globals(cmd)).listWebhooks(room);
      if (opts.json) return io.out(jsonLines(hooks));
      const c = colors(io);
      for (const h of hooks) io.out(formatHook(h, c));
      if (hooks.length === 0) io.err('No webhooks in this room. Add one with `im-for-agents hook add ROOM URL`.\n');
    });

  hook
    .command('rm')
    .description('remove a webhook')
    .argument('<room>', 'room id')
    .argument('<id>', 'webhook id (wh_...)')
    .action(async (room: string, id: string, _opts: unknown, cmd: Command) => {
      await clientFor(io, globals(cmd)).deleteWebhook(room, id);
    });

  hook
    .command('resume')
    .description('resume a paused webhook; it retries at once')
    .argument('<room>', 'room id')
    .argument('<id>', 'webhook id (wh_...)')
    .action(async (room: string, id: string, _opts: unknown, cmd: Command) => {
      io.out(formatHook(await clientFor(io, globals(cmd)).resumeWebhook(room, id), colors(io)));
    });
}
