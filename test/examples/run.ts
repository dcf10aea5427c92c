// `npm run examples`: packs the package, starts a server from the packed tarball on 127.0.0.1 port 0 in a temp data
// folder, installs each example's pinned dependencies (npm ci) and runs it against that server: one line per example.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../bench/processes.js';

const exec = promisify(execFile);
const EXAMPLES = join(ROOT, 'examples');
/** Examples that start the CLI (`npx -y im-for-agents mcp`): the packed tarball is installed beside their dependencies. */
const USES_CLI = new Set(['openai-agents', 'three-in-a-room']);
/** Provider settings left out unless IM_EXAMPLES_PROVIDERS=1, so a key in CI's environment does not make the run call out. */
const PROVIDER_ENV = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OLLAMA_HOST'];
const EXAMPLE_TIMEOUT_MS = 180_000;
const npmQuiet = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

const only = process.argv.slice(2);
const names = (await readdir(EXAMPLES, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES, d.name, 'package.json')) && (only.length === 0 || only.includes(d.name)))
  .map((d) => d.name)
  .sort();

const dir = await mkdtemp(join(tmpdir(), 'im-examples-'));
const t0 = performance.now();
await exec(join(ROOT, 'node_modules/.bin/tsup'), [], { cwd: ROOT }); // what npm pack's prepare script runs, whose output would mix with --json
const { stdout } = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 << 20 });
const tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
// Started the way the docs say to run it before it is on npm, so the run proves that line too.
const server = await startServer(['-y', `file:${tarball}`, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', join(dir, 'data'), '--no-open']);
console.log(`packed ${tarball.split('/').pop()} and started it with npx -y file:... at ${server.url} in ${seconds(performance.now() - t0)}`);

const env: NodeJS.ProcessEnv = { ...process.env, IM_SERVER: server.url };
if (process.env.IM_EXAMPLES_PROVIDERS !== '1') for (const key of PROVIDER_ENV) delete env[key];
let failed = 0;
try {
  for (const name of names) {
    const cwd = join(EXAMPLES, name);
    const started = performance.now();
    const result = await runExample(cwd, name, env);
    if (!result.ok) failed++;
    console.log(`${name.padEnd(18)} ${result.ok ? 'pass' : 'FAIL'} ${seconds(performance.now() - started)}${result.ok ? '' : `\n${indent(result.output)}`}`);
  }
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
console.log(`${names.length - failed} of ${names.length} examples passed in ${seconds(performance.now() - t0)}`);
process.exit(failed ? 1 : 0);

/** npm ci (when the folder has no node_modules yet), the tarball for CLI users, then `npm start` with a deadline. */
async function runExample(cwd: string, name: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  try {
    if (!existsSync(join(cwd, 'node_modules'))) await exec('npm', ['ci', ...npmQuiet], { cwd });
    if (USES_CLI.has(name)) await exec('npm', ['install', '--no-save', ...npmQuiet, tarball], { cwd });
  } catch (err) {
    return { ok: false, output: `install failed: ${String((err as { stderr?: string }).stderr ?? err)}` };
  }
  return new Promise((resolve) => {
    const child = spawn('npm', ['start', '--silent'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // detached: the example's own children (a receiver, an MCP server) are in its process group, stopped with it.
    const timer = setTimeout(() => {
      output += `\n(stopped after ${EXAMPLE_TIMEOUT_MS / 1000} s)`;
      process.kill(-child.pid!, 'SIGKILL');
    }, EXAMPLE_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL'); // anything it left running
      } catch {
        // the group is already gone
      }
      resolve({ ok: code === 0, output });
    });
  });
}

/**
 * npx ARGS in a process group of its own: npx does not pass SIGTERM on to the server it starts, so stop() signals the
 * whole group and waits until none of it is left.
 */
async function startServer(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn('npx', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const group = -child.pid!;
  const alive = () => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (alive()) process.kill(group, 'SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    if (alive()) process.kill(group, 'SIGKILL');
  };
  process.on('exit', () => alive() && process.kill(group, 'SIGKILL'));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npx ${args.join(' ')} exited with ${code}: ${out}`)));
  });
  return { url, stop };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text.trimEnd().split('\n').slice(-30).map((l) => `    ${l}`).join('\n');
}
