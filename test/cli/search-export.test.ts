// `search` and `export` in-process against app.request: what they print, their filters, and their usage errors.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/api/types.js';
import { testApp } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';

async function room() {
  const t = await testApp({ storeOptions: { windowSize: 2 } });
  const { roomId } = await t.client.createRoom('s');
  await t.client.sendBatch(roomId, [
    { sender: 'planner', content: 'Plan: billing tables' },
    { sender: 'coder', content: 'working on it, @reviewer' },
    { sender: 'coder', content: 'billing done' },
  ]);
  return { ...t, roomId };
}

const contents = (ndjson: string) => ndjson.trimEnd().split('\n').map((l) => (JSON.parse(l) as Message).content);

describe('search', () => {
  test.each([
    [['billing'], ['Plan: billing tables', 'billing done']],
    [['BILLING', 'done'], ['billing done']],
    [['--sender', 'coder'], ['working on it, @reviewer', 'billing done']],
    [['--to', 'reviewer'], ['working on it, @reviewer']],
    [['billing', '--limit', '1'], ['billing done']],
    [['nothing-like-this'], []],
  ])('search ROOM %j --json', async (args, expected) => {
    const { fetch, roomId } = await room();
    const r = await cli(['search', roomId, ...args, '--json'], fetch);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout === '' ? [] : contents(r.stdout)).toEqual(expected);
  });

  test('prints people-readable lines without --json; without anything to look for it is a usage error', async () => {
    const { fetch, roomId } = await room();
    const plain = await cli(['search', roomId, 'done'], fetch);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/coder.*billing done\n$/);
    const none = await cli(['search', roomId], fetch);
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: 'error: Give text to look for, --sender or --to.\n' });
  });
});

describe('export', () => {
  test('writes the whole room as JSON Lines (the default) or Markdown to stdout; a bad --format is a usage error', async () => {
    const { fetch, app, roomId } = await room();
    const jsonl = await cli(['export', roomId], fetch);
    expect(jsonl).toMatchObject({ code: 0, stderr: '' });
    expect(jsonl.stdout).toBe(await (await app.request(`/agent/rooms/${roomId}/export`)).text());
    expect(contents(jsonl.stdout)).toEqual(['Plan: billing tables', 'working on it, @reviewer', 'billing done']);
    const md = await cli(['export', roomId, '--format', 'markdown'], fetch);
    expect(md.stdout).toMatch(/^# s\n[\s\S]*### #3 coder · \S+\n\n> billing done\n\n$/);
    expect(await cli(['export', roomId, '--format', 'csv'], fetch)).toMatchObject({ code: 2, stderr: 'error: --format must be jsonl or markdown (got "csv").\n' });
    expect(await cli(['export', 'no-such-room'], fetch)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: No room with id/) });
  });
});
