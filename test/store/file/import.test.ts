// Store.importRoom / importMessages / exportRoom on the file store: what `migrate` relies on.
import { expect, test } from 'vitest';
import type { Message } from '../../../src/api/types.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const msg = (roomId: string, seq: number): Message => ({ id: `id-${seq}`, seq, roomId, sender: 'a', content: `m${seq}`, createdAt: '2026-01-01T00:00:00.000Z' });

test('a room imported with its id starts at the seq given, survives a reopen, and appends go on from there', async () => {
  const dir = await tempDir();
  let store = new FileStore({ dir });
  await store.open();
  const record = { room: { id: 'r_imported01', name: 'n', createdAt: '2025-01-01T00:00:00.000Z', lastActivityAt: '', messageCount: 0, lastSeq: 0, topic: 't' }, keyHashes: { write: 'a'.repeat(64), read: 'b'.repeat(64) }, agents: [{ name: 'x', keyHash: 'c'.repeat(64), createdAt: '2025-01-02T00:00:00.000Z' }], cursors: {} };
  await store.importRoom(record);
  await expect(store.importRoom(record)).rejects.toMatchObject({ code: 'conflict' });
  // A refused first batch does not move the empty room's start.
  await expect(store.importMessages('r_imported01', [msg('r_imported01', 3), msg('r_imported01', 2)])).rejects.toMatchObject({ code: 'conflict' });
  await store.importMessages('r_imported01', [msg('r_imported01', 50), msg('r_imported01', 51)]);
  // A gap, a repeat, or another room's message is refused, and nothing of the batch is kept.
  for (const bad of [[msg('r_imported01', 53)], [msg('r_imported01', 51)], [msg('r_imported01', 52), msg('other', 53)]]) {
    await expect(store.importMessages('r_imported01', bad)).rejects.toMatchObject({ code: 'conflict' });
  }
  expect(await store.findKey('c'.repeat(64))).toEqual({ roomId: 'r_imported01', access: 'write', agent: 'x' });
  await store.close();
  store = new FileStore({ dir });
  await store.open();
  expect((await store.read('r_imported01', { after: 0, limit: 10 })).map((m) => m.seq)).toEqual([50, 51]);
  const [next] = await store.append('r_imported01', [{ sender: 'b', content: 'after' }]);
  expect(next?.seq).toBe(52);
  const exported = await store.exportRoom('r_imported01');
  expect(exported).toMatchObject({ room: { id: 'r_imported01', name: 'n', createdAt: '2025-01-01T00:00:00.000Z', topic: 't', messageCount: 3, lastSeq: 52 }, keyHashes: record.keyHashes, agents: record.agents, cursors: {} });
  expect(await store.exportRoom('r_nosuchroom1')).toBeUndefined();
  await store.close();
});
