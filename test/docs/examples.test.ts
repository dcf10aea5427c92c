// Runs every shell example of README.md and docs/ against a real server, command by command, as a reader would
// paste it: http://127.0.0.1:7331 becomes the test server's URL, and ROOM, keys, HOOK and NEXT name real things.
// JSON examples must parse.
import { spawn } from 'node:child_process';
import { writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { codeBlocks, docPages, readPage, shellCommands, type CodeBlock } from '../helpers/markdown.js';
import { BIN, startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDirForAll } from '../helpers/temp-dir.js';

const DOC_URL = 'http://127.0.0.1:7331';
const SHELLS = new Set(['sh', 'bash', 'shell', 'console']);
/** How long a command that runs until stopped (tail -f, on, curl -N) must keep running to pass. */
const STOP_AFTER_SECONDS = 1;
/** A command's limit: a guard against a hang, not a speed check. */
const COMMAND_TIMEOUT_MS = 20_000;
const ADMIN_TOKEN = 'ima_docs-test-admin-token-0123456789';
/** A page that starts with this comment runs against a server with auth on, so its keys are checked. */
const AUTH_ON = '<!-- docs-test: auth on -->';

// `npx im-for-agents` and `im-for-agents` run the built bin; commands that run until stopped must still run after
// STOP_AFTER_SECONDS; curl fails on an HTTP error, so an example that the server refuses fails here.
const PREAMBLE = String.raw`
set -euo pipefail
until_stopped() {
  local rc=0
  timeout ${STOP_AFTER_SECONDS} "$@" || rc=$?
  if [ "$rc" -ne 124 ]; then echo "docs test: expected this to run until stopped; it exited $rc: $*" >&2; return 1; fi
}
im-for-agents() {
  case "$1" in
    serve | "" | -[!h-]* | --[!hv]*)
      echo "docs test: this starts a server, which the docs test never does; mark it skipped with the reason" >&2; return 127 ;;
    on) until_stopped "$IM_NODE" "$IM_BIN" "$@" ;;
    tail) if [[ " $* " == *" -f "* ]]; then until_stopped "$IM_NODE" "$IM_BIN" "$@"; else "$IM_NODE" "$IM_BIN" "$@"; fi ;;
    *) "$IM_NODE" "$IM_BIN" "$@" ;;
  esac
}
npx() {
  if [ "$1" = im-for-agents ]; then shift; im-for-agents "$@"; return; fi
  echo "docs test: npx $1 is not run here; mark the block or command as skipped with the reason" >&2; return 127
}
curl() {
  if [[ " $* " == *" -N "* ]]; then until_stopped curl --fail-with-body -sS "$@"; else command curl --fail-with-body -sS "$@"; fi
}
`;

interface Page {
  server: ServerProcess;
  token?: string;
}

async function api(page: Page, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(page.server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(page.token && { authorization: `Bearer ${page.token}` }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** A room of 130 messages from planner, coder and reviewer (seq 41, 42 and 120 exist; "billing" is found), and the
 *  other things a block names: keys, an agent key, a webhook, a room-list cursor. */
async function fixtures(page: Page, text: string): Promise<Record<string, string>> {
  const room = (await api(page, 'POST', '/agent/rooms', { name: 'docs-test' })) as { id: string; keys: { write: string; read: string } };
  const senders = ['planner', 'coder', 'reviewer'];
  const messages = Array.from({ length: 130 }, (_, i) => ({
    sender: senders[i % 3],
    content: `step ${i + 1} of the billing change @planner`,
    to: i % 3 === 2 ? ['planner'] : [],
  }));
  await api(page, 'POST', `/agent/rooms/${room.id}/messages`, messages);
  const vars: Record<string, string> = {
    ROOM: room.id,
    WRITE_KEY: room.keys.write,
    READ_KEY: room.keys.read,
    KEY: page.token ?? ADMIN_TOKEN,
  };
  if (text.includes('$AGENT_KEY')) vars.AGENT_KEY = String((await api(page, 'POST', `/agent/rooms/${room.id}/agents`, { name: 'coder' })).key);
  if (text.includes('$HOOK')) vars.HOOK = String((await api(page, 'POST', `/agent/rooms/${room.id}/webhooks`, { url: 'http://127.0.0.1:9/inbox' })).id);
  if (text.includes('$MSG_ID')) vars.MSG_ID = String(((await api(page, 'GET', `/agent/rooms/${room.id}/history?limit=1&after=0`)).messages as { id: string }[])[0]!.id);
  if (text.includes('$NEXT')) vars.NEXT = String((await api(page, 'GET', '/agent/rooms?limit=1')).next);
  return vars;
}

/** While a command runs, the block's room and the rooms made since the block began get a message from reviewer to
 *  planner now and then, so that examples which wait for the next message (wait, long-polls) get one. */
function startPoster(page: Page, room: string, since: number): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const { rooms } = (await api(page, 'GET', '/agent/rooms?limit=20')) as { rooms: { id: string; createdAt: string }[] };
        const ids = new Set([room, ...rooms.filter((r) => Date.parse(r.createdAt) >= since).map((r) => r.id)]);
        await Promise.all(
          [...ids].map((id) =>
            api(page, 'POST', `/agent/rooms/${id}/messages`, { sender: 'reviewer', to: ['planner'], content: 'done @planner' }).catch(() => {}),
          ),
        );
      } catch {
        // the server stopping: the next round tries again
      }
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

function run(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // Its own process group, so whatever the example started is stopped with it, whether it ended or hung.
    const proc = spawn('bash', ['-c', `${PREAMBLE}\n${script}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const killGroup = () => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(killGroup, COMMAND_TIMEOUT_MS);
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code: code ?? (signal === 'SIGKILL' ? -1 : null), out: signal === 'SIGKILL' ? `${out}\n(killed after ${COMMAND_TIMEOUT_MS} ms)` : out });
    });
  });
}

let cwd = '';
let home = '';
const servers = new Map<boolean, Promise<Page>>();

/** One server with auth off for the pages, and one with auth on for the pages that ask for it. */
function serverFor(authOn: boolean): Promise<Page> {
  let page = servers.get(authOn);
  if (!page) {
    page = (async () => {
      const data = await tempDirForAll('im-docs-data-');
      const args = authOn ? ['--token', ADMIN_TOKEN] : [];
      const server = await startServer(data, args, {}, { forAll: true });
      return authOn ? { server, token: ADMIN_TOKEN } : { server };
    })();
    servers.set(authOn, page);
  }
  return page;
}

beforeAll(async () => {
  cwd = await tempDirForAll('im-docs-cwd-');
  home = await tempDirForAll('im-docs-home-');
  // What the examples expect to find where they run: a handler script, and a git checkout with a change to diff.
  await writeFile(join(cwd, 'handle-message.sh'), '#!/bin/sh\ncat > /dev/null\n');
  await chmod(join(cwd, 'handle-message.sh'), 0o755);
  const git = await run('git init -q && echo one > notes.txt && git add notes.txt && echo two >> notes.txt', cwd, { PATH: process.env.PATH, HOME: home });
  expect(git.code, git.out).toBe(0);
});

async function runBlock(block: CodeBlock, authOn: boolean): Promise<void> {
  const page = await serverFor(authOn);
  const url = page.server.url;
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    IM_BIN: BIN,
    IM_NODE: process.execPath,
    IM_SERVER: url,
    BASE: url,
    ...(page.token && { IM_KEY: page.token }),
    ...vars,
  });
  const body = block.body.replaceAll(DOC_URL, url);
  const commands = block.marker.script ? [{ text: body, line: 0 }] : shellCommands(body);
  const since = Date.now();
  let vars = await fixtures(page, body);
  for (const [i, command] of commands.entries()) {
    const where = `${block.page}:${block.line + 1 + command.line}`;
    if (block.marker.skipCommands.some((s) => command.text.includes(s.text))) continue;
    if (block.marker.fresh && i > 0) vars = await fixtures(page, body);
    const stopPoster = startPoster(page, vars.ROOM!, since);
    const result = await run(command.text, cwd, env(vars)).finally(stopPoster);
    const expected = block.marker.exitCodes.find((e) => command.text.includes(e.text))?.code ?? 0;
    expect(result.code, `${where}: ${command.text}\n--- output ---\n${result.out}`).toBe(expected);
  }
}

for (const pageName of docPages()) {
  const authOn = readPage(pageName).includes(AUTH_ON);
  const blocks = codeBlocks(pageName).filter((b) => SHELLS.has(b.lang));
  if (blocks.length === 0) continue;
  describe.concurrent(`${pageName}${authOn ? ' (auth on)' : ''}`, () => {
    for (const block of blocks) {
      const name = `${block.page}:${block.line}`;
      if (block.marker.skip) test.skip(`${name} (not run: ${block.marker.skip})`, () => {});
      else test(name, () => runBlock(block, authOn), 120_000); // a guard against a hang: a block runs several CLI processes
    }
  });
}

describe('JSON examples parse', () => {
  const blocks = docPages().flatMap((page) => codeBlocks(page).filter((b) => b.lang === 'json'));
  test.each(blocks.map((b) => [`${b.page}:${b.line}`, b] as const))('%s', (_, block) => {
    expect(() => JSON.parse(block.body)).not.toThrow();
  });
});
