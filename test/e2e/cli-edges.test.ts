// The CLI where scripts and people meet it: closed pipes (the built binary in a real pipeline), and in-process over
// real sockets: wrong or silent servers, a long-poll past the connect timeout, a URL without a scheme.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { cli } from '../helpers/cli.js';
import { inProcessServer } from '../helpers/in-process-server.js';
import { BIN, startServer, type CliResult } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { wrongServer } from '../helpers/wrong-servers.js';

/** Runs a bash pipeline with `$CLI` standing for the built CLI; pipefail makes the CLI's exit code the pipeline's. */
function pipeline(script: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const proc = spawn('bash', ['-c', `set -o pipefail; ${script}`], { env: { ...process.env, NO_COLOR: '1', CLI: `${process.execPath} ${BIN}`, ...env } });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

const oneLine = (r: CliResult) => r.stderr.trim().split('\n');

describe('CLI output into a pipe that closes early', () => {
  test('tail -n 1000 | head -2 and room list | true stop quietly with exit 0', async () => {
    const server = await startServer(await tempDir());
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('long');
    await client.createRoom('second');
    // 1,000 messages of about 300 bytes: far more than a pipe holds, so the CLI is still writing when head leaves.
    await client.sendBatch(roomId, Array.from({ length: 1000 }, (_, i) => ({ sender: 'agent', content: `${i} ${'x'.repeat(300)}` })));
    const env = { IM_SERVER: server.url, ROOM: roomId };
    const head = await pipeline('$CLI tail "$ROOM" -n 1000 | head -2', env);
    expect(head).toMatchObject({ code: 0, stderr: '' });
    expect(head.stdout.trimEnd().split('\n')).toHaveLength(2);
    // `true` leaves before the rooms arrive: every write of the CLI meets a closed pipe.
    for (const args of ['room list', 'tail "$ROOM" -n 1000 --json']) {
      expect(await pipeline(`$CLI ${args} | true`, env)).toMatchObject({ code: 0, stderr: '' });
    }
  });
});

describe('CLI against something that is not a working im-for-agents server', () => {
  test.each([
    ['--connect-timeout flag', ['--connect-timeout', '0.5'], {}],
    ['IM_CONNECT_TIMEOUT', [], { IM_CONNECT_TIMEOUT: '0.5' }],
  ])('a listener that never answers: one line after the timeout (%s), exit 1', async (_how, flags, env) => {
    const url = await wrongServer('silent');
    for (const args of [['room', 'list'], ['send', 'r'.repeat(26), 'hi'], ['tail', '-f', 'r'.repeat(26)], ['wait', 'r'.repeat(26), '--after', '0']]) {
      const t0 = Date.now();
      const r = await cli([...args, ...flags, '--server', url], undefined, { env });
      expect(r.code).toBe(1);
      expect(oneLine(r)).toEqual([`error: No answer from ${url} within 0.5 s: the server is stuck or is not an im-for-agents server. Wait longer with --connect-timeout SECONDS or IM_CONNECT_TIMEOUT.`]);
      expect(Date.now() - t0).toBeLessThan(8000);
    }
  });

  test('a listener that accepts and closes at once: one line, exit 1', async () => {
    const url = await wrongServer('closing');
    for (const args of [['room', 'list'], ['send', 'r'.repeat(26), 'hi']]) {
      const r = await cli([...args, '--server', url]);
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(oneLine(r)).toEqual([`error: The server at ${url} closed the connection without answering: it is not an im-for-agents server, or it is stopping. Check --server or IM_SERVER.`]);
    }
  });

  test.each(['html', 'html-404'] as const)('another web server on the port (%s): one line, not its page', async (kind) => {
    const url = await wrongServer(kind);
    const r = await cli(['room', 'list', '--server', url]);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(oneLine(r)).toEqual([
      `error: The server at ${url} is not an im-for-agents server: it answered HTTP ${kind === 'html' ? 200 : 404} with text/html; charset=utf-8 where the API answers JSON. Check --server or IM_SERVER.`,
    ]);
  });

  test('a long-poll is not cut short by the timeout: wait --timeout past --connect-timeout still exits 124', async () => {
    const server = await inProcessServer(await tempDir());
    const room = (await cli(['room', 'create', 'w'], undefined, { env: { IM_SERVER: server.url } })).stdout.trim();
    const r = await cli(['wait', room, '--timeout', '4', '--connect-timeout', '2'], undefined, { env: { IM_SERVER: server.url } });
    expect(r).toMatchObject({ code: 124, stdout: '' });
  });
});

describe('CLI server addresses', () => {
  test('host:port with no scheme means http://', async () => {
    const server = await inProcessServer(await tempDir());
    const bare = server.url.replace(/^http:\/\//, '');
    const room = (await cli(['room', 'create', 'x', '--server', bare])).stdout.trim();
    expect(room).toMatch(/^[a-z2-7]{26}$/);
    expect(await cli(['send', room, 'hi'], undefined, { env: { IM_SERVER: bare } })).toMatchObject({ code: 0, stdout: '1\n', stderr: '' });
  });

  test.each([
    ['ftp://127.0.0.1:7331', /--server must be an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/127.0.0.1:7331"\)/],
    ['http://[nope', /--server is not a server URL \(got "http:\/\/\[nope"\)/],
  ])('--server %s is a usage error', async (server, says) => {
    const r = await cli(['room', 'list', '--server', server]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual([expect.stringMatching(says)]);
  });
});
