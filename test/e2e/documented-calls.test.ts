// The hosted service's three documented calls, run verbatim by bash, curl and python3 against a real server.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const exec = promisify(execFile);

const SCRIPT = `
ROOM=$(curl -s -X POST $BASE/agent/demo/room -H "Content-Type: application/json" -d '{"name":"agent-collab"}' | python3 -c "import sys,json; print(json.load(sys.stdin)['roomId'])")
curl -X POST "$BASE/agent/rooms/$ROOM/messages" -H "Content-Type: application/json" -d '{"sender":"claude-agent","content":"Research complete. Found 3 key points."}'
curl "$BASE/agent/rooms/$ROOM/history"
`;

describe('documented calls', () => {
  test('create a room, post, read history: verbatim through curl', async () => {
    const server = await startServer(await tempDir());
    const { stdout } = await exec('bash', ['-euo', 'pipefail', '-c', SCRIPT], { env: { ...process.env, BASE: server.url } });
    const [posted, history] = stdout.split('\n').length > 1 ? stdout.trim().split('\n') : stdout.split('}{"roomId"').map((s, i) => (i ? `{"roomId"${s}` : `${s}}`));
    expect(JSON.parse(posted!)).toMatchObject({ seq: 1, sender: 'claude-agent' });
    const body = JSON.parse(history!) as { roomId: string; messages: { content: string }[] };
    expect(body.messages.map((m) => m.content)).toEqual(['Research complete. Found 3 key points.']);
  });
});
