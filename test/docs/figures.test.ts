// Every figure the docs quote about the server (limits, defaults, sizes) is checked against the server or the constant
// that sets it, so the docs cannot drift: the flags table against `serve --help`, the Limits table row by row, the
// MCP tools/list size measured, and the figures quoted in prose through the phrases below.
import { maxHeaderSize } from 'node:http';
import { beforeAll, describe, expect, test } from 'vitest';
import { REMEMBERED_PER_ROOM } from '../../src/a2a/sent-ids.js';
import * as limits from '../../src/api/limits.js';
import { DEFAULT_TIMEOUT_MS } from '../../src/client/client.js';
import { DEFAULT_CONNECT_TIMEOUT_SECONDS } from '../../src/cli/connect.js';
import { MAX_ENV_CONTENT } from '../../src/cli/commands/on.js';
import { TIMEOUT_EXIT_CODE } from '../../src/cli/commands/wait.js';
import { LIST_ROOMS_LIMIT, READ_DEFAULT_LIMIT, WAIT_DEFAULT_SECONDS, WAIT_MAX_SECONDS } from '../../src/mcp/tools.js';
import { DEFAULT_STREAM_LIMITS } from '../../src/server/app.js';
import { LISTEN_GRACE_MS, MAX_PRESENCE_NAMES } from '../../src/server/presence.js';
import { PAGE_CHARS } from '../../src/server/room-cursor.js';
import { EXPOSED_RATE_LIMIT } from '../../src/server/start.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../../src/store/redis/connection.js';
import { DEFAULT_BACKOFF } from '../../src/webhooks/backoff.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_HOOKS_PER_ROOM, DEFAULT_MAX_FAILURES } from '../../src/webhooks/webhooks.js';
import { testApp } from '../helpers/app.js';
import { numbersIn, readPage, tableAfter } from '../helpers/markdown.js';
import { inMemoryMcp } from '../helpers/mcp.js';
import { runCli } from '../helpers/server-process.js';
import { tempDirForAll } from '../helpers/temp-dir.js';

const KiB = 1024;
const MiB = 1024 * 1024;

/** A page's text with its line breaks and runs of spaces made single spaces, so a phrase may wrap anywhere. */
const flat = (page: string): string => readPage(page).replace(/\s+/g, ' ');

describe('the server flags table (docs/operations.md, The server) is `serve --help`', () => {
  let help = new Map<string, string>();
  let home = '';

  beforeAll(async () => {
    home = await tempDirForAll('im-docs-home-');
    const { code, stdout } = await runCli(['serve', '--help'], { env: { HOME: home, COLUMNS: '1000' } });
    expect(code).toBe(0);
    // One option a line once the columns are wide; an option's description may still wrap onto indented lines.
    const text = stdout.replace(/\n {20,}/g, ' ');
    help = new Map([...text.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)(?: <[^>]+>)? +(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  });

  const rows = () => tableAfter('docs/operations.md', 'The server').slice(1);
  const flagOf = (cell: string) => /`(--[\w-]+)/.exec(cell)?.[1] ?? cell;

  test('every flag of the program is in the table, and only those', () => {
    const documented = rows().map((r) => flagOf(r[0]!));
    const program = [...help.keys()].filter((f) => f !== '--help');
    expect(documented.sort()).toEqual(program.sort());
  });

  test('every default in the table is the program\'s', () => {
    const wrong: string[] = [];
    for (const [flag, , docDefault = ''] of rows()) {
      const described = help.get(flagOf(flag!)) ?? '';
      const programDefault = (/\(default:? ([^)]*)\)/.exec(described)?.[1] ?? '').replace(home, '~');
      const docText = docDefault.replace(/`/g, '');
      const same =
        numbersIn(docText).join() === numbersIn(programDefault).join() &&
        (!programDefault.startsWith('"') || docText === programDefault.replace(/"/g, ''));
      if (!same) wrong.push(`${flag}: the docs say "${docDefault}", --help says "${programDefault}"`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the commands table (docs/cli.md) is the program\'s', () => {
  const commandsOf = async (args: string[]): Promise<string[]> => {
    const { stdout } = await runCli([...args, '--help'], { env: { COLUMNS: '1000' } });
    const list = stdout.slice(stdout.indexOf('Commands:')).split('\n\n')[0]!;
    return [...list.matchAll(/^ {2}([\w-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  };
  const rows = () => tableAfter('docs/cli.md', 'Commands').slice(1);
  const quoted = (cell: string) => [...cell.matchAll(/`([\w-]+)`/g)].map((m) => m[1]!);

  test('every command is in the table, and only those', async () => {
    expect(rows().flatMap((r) => quoted(r[0]!)).sort()).toEqual((await commandsOf([])).sort());
  });

  test.each(['room', 'agent', 'hook'])('%s: every subcommand is named', async (command) => {
    const row = rows().find((r) => quoted(r[0]!).includes(command));
    const named = quoted(row?.[1] ?? '').filter((w) => !w.startsWith('-'));
    expect(named.sort()).toEqual((await commandsOf([command])).sort());
  });
});

/** For each row of the Limits table: the numbers its limit column must quote, in order, from what sets them. */
const LIMITS: Record<string, number[]> = {
  'request body': [limits.DEFAULT_MAX_BODY_BYTES / MiB],
  '`content`': [limits.MAX_CONTENT_LENGTH],
  '`sender`, each name in `to`': [limits.MAX_SENDER_LENGTH, limits.MAX_RECIPIENTS],
  '`type`': [limits.MAX_TYPE_LENGTH],
  '`metadata`': [limits.MAX_METADATA_BYTES / KiB, limits.MAX_METADATA_DEPTH],
  batch: [limits.MAX_BATCH],
  'history page, search results': [limits.HISTORY_MAX_LIMIT, limits.HISTORY_DEFAULT_LIMIT],
  'long-poll `wait`': [limits.MAX_WAIT_SECONDS],
  // 100,000: the rooms the performance page measured, not a setting.
  'rooms per server': [limits.DEFAULT_MAX_ROOMS, 100_000],
  // 256 under 1024: a quarter of the usual ulimit -n; 2: a room in use holds its log and its index.
  'open files for rooms': [limits.DEFAULT_MAX_OPEN_FILES, 1024, 2],
  'messages per room': [],
  // The burst is twice the rate (the flags table says so too).
  'requests per client': [EXPOSED_RATE_LIMIT, 2 * EXPOSED_RATE_LIMIT],
  'history page, long-poll answer': [limits.HISTORY_MAX_CHARS / MiB],
  'SSE streams + waiting long-polls': [DEFAULT_STREAM_LIMITS.perClient, DEFAULT_STREAM_LIMITS.total],
  'a subscriber or export that stops reading': [PAGE_CHARS / KiB],
  // Headers: Node's headersTimeout, which listen.ts caps at 10 s.
  'time to send a request': [limits.DEFAULT_REQUEST_TIMEOUT_SECONDS, 10],
  webhooks: [DEFAULT_HOOKS_PER_ROOM, DEFAULT_DELIVERY_TIMEOUT_MS / 1000, DEFAULT_MAX_FAILURES],
  'A2A `messageId` idempotency': [REMEMBERED_PER_ROOM],
  'A2A and `/mcp` bodies': [limits.MAX_RPC_DEPTH],
  'inbox cursors': [limits.MAX_INBOX_NAMES],
};

describe('the Limits table (docs/operations.md)', () => {
  const rows = () => tableAfter('docs/operations.md', 'Limits').slice(1);

  test('every row has a check, and every check a row', () => {
    expect(rows().map((r) => r[0]).sort()).toEqual(Object.keys(LIMITS).sort());
  });

  test.each(Object.entries(LIMITS))('%s', (what, expected) => {
    const row = rows().find((r) => r[0] === what);
    expect(numbersIn(row?.[1] ?? ''), `docs/operations.md Limits: ${what} | ${row?.[1]}`).toEqual(expected);
  });

  test('a stream idle for an hour is ended', () => {
    expect(DEFAULT_STREAM_LIMITS.idleMs).toBe(60 * 60_000);
    expect(rows().find((r) => r[0] === 'SSE streams + waiting long-polls')?.[1]).toContain('idle for an hour');
  });
});

/**
 * Figures quoted in prose: each phrase, with its figures written as {N}, must be on its page with these numbers.
 * A phrase that was reworded fails too: put the new wording here, so the figure stays checked.
 */
const PHRASES: [page: string, phrase: string, figures: number[]][] = [
  ['README.md', '(or `IM_SERVER`, default `http://127.0.0.1:{N}`)', [limits.DEFAULT_PORT]],
  ['docs/cli.md', '(or `IM_SERVER`, default `http://127.0.0.1:{N}`', [limits.DEFAULT_PORT]],
  ['docs/cli.md', 'A server has {N} seconds to answer each call', [DEFAULT_CONNECT_TIMEOUT_SECONDS]],
  ['docs/cli.md', 'content past {N} characters is cut in `IM_CONTENT`', [MAX_ENV_CONTENT]],
  ['docs/cli.md', '| {N} | `wait --timeout` passed with no matching message', [TIMEOUT_EXIT_CODE]],
  ['docs/api.md', '`limit` is 1 to {N} (default {N})', [limits.ROOMS_MAX_LIMIT, limits.ROOMS_DEFAULT_LIMIT]],
  ['docs/api.md', '| `sender` | required | non-empty string, at most {N} characters |', [limits.MAX_SENDER_LENGTH]],
  ['docs/api.md', '| `metadata` | optional | any JSON object, nested at most {N} levels |', [limits.MAX_METADATA_DEPTH]],
  ['docs/api.md', 'post a JSON array of up to {N} messages', [limits.MAX_BATCH]],
  [
    'docs/api.md',
    '`limit` defaults to {N}, at most {N}; a page also stops once it holds about {N} MiB',
    [limits.HISTORY_DEFAULT_LIMIT, limits.HISTORY_MAX_LIMIT, limits.HISTORY_MAX_CHARS / MiB],
  ],
  ['docs/api.md', 'and clamped to {N}; loop to wait longer', [limits.MAX_WAIT_SECONDS]],
  ['docs/api.md', 'stops at `limit` matches (default {N}, at most {N})', [limits.HISTORY_DEFAULT_LIMIT, limits.HISTORY_MAX_LIMIT]],
  ['docs/api.md', '`settings.loopGuard: N` (off by default, 1 to {N})', [limits.MAX_LOOP_GUARD]],
  ['docs/api.md', '`wait=SECONDS` (at most {N}) long-polls while the inbox is empty', [limits.MAX_WAIT_SECONDS]],
  ['docs/api.md', 'A client between two long-polls still counts for {N} s', [LISTEN_GRACE_MS / 1000]],
  ['docs/api.md', 'At most {N} names are kept per room', [MAX_PRESENCE_NAMES]],
  ['docs/api.md', 'when no answer came within `timeoutMs`, default {N}', [DEFAULT_TIMEOUT_MS]],
  ['docs/api.md', 'The MCP `list_rooms` tool returns one page of {N}', [LIST_ROOMS_LIMIT]],
  ['docs/mcp-and-a2a.md', 'the newest `limit` messages (default {N})', [READ_DEFAULT_LIMIT]],
  ['docs/mcp-and-a2a.md', '`timeout` seconds pass (default {N}, at most {N})', [WAIT_DEFAULT_SECONDS, WAIT_MAX_SECONDS]],
  ['docs/mcp-and-a2a.md', 'its default of {N} s stays under', [WAIT_DEFAULT_SECONDS]],
  ['docs/mcp-and-a2a.md', 'the server remembers the latest {N} A2A sends per room', [REMEMBERED_PER_ROOM]],
  ['docs/webhooks.md', 'A room holds at most {N} hooks', [DEFAULT_HOOKS_PER_ROOM]],
  ['docs/webhooks.md', 'anything but a 2xx within {N} seconds is a failure', [DEFAULT_DELIVERY_TIMEOUT_MS / 1000]],
  ['docs/webhooks.md', 'After {N} failures in a row', [DEFAULT_MAX_FAILURES]],
  ['docs/webhooks.md', 'The same message is retried after about {N} s', [DEFAULT_BACKOFF.baseMs / 1000]],
  ['docs/webhooks.md', 'jitter, at most {N} minutes', [DEFAULT_BACKOFF.maxMs / 60_000]],
  ['docs/api.md', '| 431 | | request headers over {N} KiB (answered by Node) |', [maxHeaderSize / KiB]],
  ['docs/storage-and-scaling.md', 'or after the {N} s command timeout', [DEFAULT_COMMAND_TIMEOUT_MS / 1000]],
];

describe('figures quoted in prose', () => {
  test.each(PHRASES)('%s: %s', (page, phrase, figures) => {
    const pattern = phrase
      .replace(/\s+/g, ' ')
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{N\}/g, '([\\d,.]*\\d)');
    const found = new RegExp(pattern).exec(flat(page));
    expect(found, `${page} no longer says "${phrase}": update the phrase in this test`).not.toBeNull();
    expect(found!.slice(1).map((n) => Number(n.replace(/,/g, '')))).toEqual(figures);
  });
});

describe('figures measured on the server', () => {
  test('the Node.js version README.md asks for is package.json\'s engines', () => {
    const { engines } = JSON.parse(readPage('package.json')) as { engines: { node: string } };
    expect(flat('README.md')).toContain(`Node.js ${engines.node.replace(/^>=/, '')} or newer`);
  });

  test('room ids are 26 characters (docs/api.md)', async () => {
    const room = await (await testApp()).client.createRoom('ids');
    expect(flat('docs/api.md')).toContain('Room ids are 26 characters');
    expect(room.id).toHaveLength(26);
  });

  test('the health answer has the fields docs/api.md shows', async () => {
    const res = await (await testApp()).app.request('/agent/health');
    const shown = /curl \$BASE\/agent\/health +# (\{[^}]*\})/.exec(readPage('docs/api.md'))?.[1];
    expect(shown).toBeDefined();
    expect(Object.keys((await res.json()) as object)).toEqual(Object.keys(JSON.parse(shown!.replace('"..."', '"x"')) as object));
  });

  test('the MCP tools/list size is the one docs/mcp-and-a2a.md quotes', async () => {
    const { client } = await inMemoryMcp({ room: 'abcdefghijklmnopqrstuvwxyz' });
    const characters = JSON.stringify(await client.listTools()).length;
    const quoted = /about ([\d,]+) tokens\*\* \(([\d,]+) characters of JSON with a default room set/.exec(flat('docs/mcp-and-a2a.md'));
    expect(quoted, 'docs/mcp-and-a2a.md no longer quotes the tools/list size in the form this test reads').not.toBeNull();
    const [tokens, chars] = [quoted![1]!, quoted![2]!].map((n) => Number(n.replace(/,/g, '')));
    expect(chars, `tools/list is ${characters} characters now: write that in docs/mcp-and-a2a.md`).toBe(characters);
    expect(tokens, 'the tokens are the characters / 4, rounded to the nearest 5').toBe(Math.round(characters / 4 / 5) * 5);
  });
});
