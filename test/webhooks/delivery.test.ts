// Delivery against a real receiver that verifies every request with the `standardwebhooks` library.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CreatedWebhook, Webhook } from '../../src/api/webhooks.js';
import { openStore } from '../helpers/app.js';
import { until } from '../helpers/until.js';
import { openWebhooks, webhookApp } from '../helpers/webhook-app.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

async function setup(options: Parameters<typeof webhookApp>[0] = {}) {
  const t = await webhookApp(options);
  const room = await t.client.createRoom('hooked');
  const addHook = async (receiver: Receiver | { url: string }, extra: Record<string, unknown> = {}) => {
    const res = await t.json('POST', `/agent/rooms/${room.id}/webhooks`, { url: receiver.url, ...extra });
    expect(res.status).toBe(201);
    const hook = (await res.json()) as CreatedWebhook;
    if ('setSecret' in receiver) receiver.setSecret(hook.secret);
    return hook;
  };
  const state = async (id: string) => (await (await t.json('GET', `/agent/rooms/${room.id}/webhooks/${id}`)).json()) as Webhook;
  return { ...t, room, addHook, state };
}

const seqs = (r: Receiver) => r.accepted.map((d) => d.body.data.seq);

describe('webhook delivery', () => {
  test('refused at first, then every message arrives verified, in order, one at a time', async () => {
    const receiver = await startReceiver((_d, attempt) => (attempt <= 3 ? 500 : 200));
    const { client, room, addHook, state } = await setup();
    const hook = await addHook(receiver);
    const sent = [];
    for (let i = 1; i <= 20; i++) sent.push(await client.send(room.id, { sender: 'planner', content: `step ${i}`, to: ['coder'], type: 'task' }));
    await until(() => receiver.accepted.length === 20, 10_000, '20 deliveries');

    expect(receiver.rejected).toEqual([]);
    expect(seqs(receiver)).toEqual(sent.map((m) => m.seq));
    expect(receiver.attempts.slice(0, 4).map((d) => d.body.data.seq)).toEqual([1, 1, 1, 1]);
    expect(receiver.maxInFlight).toBe(1);
    const first = receiver.accepted[0]!;
    expect(first.body).toEqual({ type: 'message.created', timestamp: sent[0]!.createdAt, data: sent[0] });
    expect(first.id).toBe(`msg_${sent[0]!.id}`);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['webhook-signature']).toMatch(/^v1,/);
    // A retry carries the same webhook-id, so receivers can drop duplicates.
    expect(new Set(receiver.attempts.slice(0, 4).map((d) => d.id)).size).toBe(1);

    await until(async () => (await state(hook.id)).lastDeliveredSeq === 20, 15_000, 'cursor 20');
    const s = await state(hook.id);
    expect(s).toMatchObject({ state: 'active', failures: 0, lastDeliveredSeq: 20 });
    expect(s.lastError).toBe('seq 1: HTTP 500');
    expect(s.lastDeliveredAt).toBeDefined();
  });

  test('filters: only messages to, from or of the given name and type are posted; the cursor passes the rest', async () => {
    const toCoder = await startReceiver();
    const fromReviewer = await startReceiver();
    const results = await startReceiver();
    const { client, room, addHook, state } = await setup();
    const h1 = await addHook(toCoder, { to: 'coder' });
    await addHook(fromReviewer, { sender: 'reviewer' });
    await addHook(results, { type: 'result' });
    await client.sendBatch(room.id, [
      { sender: 'planner', content: 'a', to: ['coder'] },
      { sender: 'reviewer', content: 'b' },
      { sender: 'coder', content: 'c', type: 'result' },
      { sender: 'reviewer', content: 'd', to: ['coder', 'planner'], type: 'result' },
      { sender: 'planner', content: 'e' },
    ]);
    await until(() => toCoder.accepted.length === 2 && fromReviewer.accepted.length === 2 && results.accepted.length === 2, 15_000, 'filtered deliveries');
    expect(seqs(toCoder)).toEqual([1, 4]);
    expect(seqs(fromReviewer)).toEqual([2, 4]);
    expect(seqs(results)).toEqual([3, 4]);
    await until(async () => (await state(h1.id)).lastDeliveredSeq === 5, 15_000, 'cursor past the unmatched tail');
  });

  test('a hook to a dead URL ends paused with its last error, and resume delivers again', async () => {
    // A port that was just free: nothing listens there until the receiver below takes it.
    const probe = await startReceiver();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const { client, room, addHook, state, json } = await setup({ hooks: { maxFailures: 3 } });
    const hook = await addHook({ url: `http://127.0.0.1:${port}/hook` });
    await client.send(room.id, { sender: 'a', content: 'anyone there?' });
    await until(async () => (await state(hook.id)).state === 'paused', 15_000, 'paused');
    const paused = await state(hook.id);
    expect(paused.failures).toBe(3);
    expect(paused.lastError).toMatch(/^seq 1: .*ECONNREFUSED/);
    expect(paused.lastDeliveredSeq).toBe(0);

    const receiver = await startReceiver(() => 200, port);
    receiver.setSecret(hook.secret);
    await client.send(room.id, { sender: 'a', content: 'while paused' });
    const resumed = await (await json('POST', `/agent/rooms/${room.id}/webhooks/${hook.id}/resume`)).json();
    expect(resumed).toMatchObject({ state: 'active', failures: 0 });
    await until(() => receiver.accepted.length === 2, 15_000, 'deliveries after resume');
    expect(seqs(receiver)).toEqual([1, 2]);
  });

  test('a redirect is not followed: it counts as a failure, and the receiver saw every attempt', async () => {
    const redirecting = await startReceiver(() => 302);
    const { client, room, addHook, state } = await setup({ hooks: { maxFailures: 2 } });
    const hook = await addHook(redirecting);
    await client.send(room.id, { sender: 'a', content: 'x' });
    await until(async () => (await state(hook.id)).state === 'paused', 15_000, 'paused');
    expect((await state(hook.id)).lastError).toBe('seq 1: HTTP 302: redirects are not followed (Location: http://127.0.0.1:9/elsewhere)');
    expect(redirecting.attempts).toHaveLength(2);
  });

  test('a silent receiver times out, and that counts as a failure', async () => {
    const silent = await startReceiver(() => 'hang');
    const { client, room, addHook, state } = await setup({ hooks: { maxFailures: 2, timeoutMs: 200 } });
    const hook = await addHook(silent);
    await client.send(room.id, { sender: 'a', content: 'x' });
    await until(async () => (await state(hook.id)).state === 'paused', 15_000, 'paused');
    expect((await state(hook.id)).lastError).toBe('seq 1: no answer within 0.2 s');
  });

  test('after a restart, delivery resumes from the stored cursor', async () => {
    const receiver = await startReceiver();
    const { client, room, addHook, webhooks, store, dir } = await setup();
    await addHook(receiver);
    await client.sendBatch(room.id, [1, 2, 3].map((n) => ({ sender: 'a', content: `m${n}` })));
    // Stopped once the third is acknowledged to the worker and stored (stopping earlier would rightly send it again).
    await until(async () => (await webhooks.list(room.id))[0]?.lastDeliveredSeq === 3, 15_000, 'first three stored');
    await webhooks.close();
    await store.append(room.id, [4, 5].map((n) => ({ sender: 'a', content: `m${n}` })));
    await store.close();

    const store2 = await openStore({ dir });
    await openWebhooks({ store: store2, dataDir: dir });
    await until(() => receiver.accepted.length === 5, 15_000, 'the two sent while stopped');
    expect(seqs(receiver)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('a redaction', () => {
  const SECRET = 'sk-live-do-not-deliver';
  const carries = (d: { body: { data: unknown } }) => JSON.stringify(d.body).includes(SECRET);

  test('of a message in retry: the retry after it carries the redacted copy', async () => {
    const receiver = await startReceiver((_d, attempt) => (attempt === 1 ? 500 : 200));
    // A backoff far longer than the test: only the resume below makes the retry.
    const { client, room, addHook, state, json } = await setup({ hooks: { backoff: { baseMs: 60_000, maxMs: 60_000 } } });
    const hook = await addHook(receiver);
    await client.send(room.id, { sender: 'a', content: `token ${SECRET}`, metadata: { token: SECRET } });
    await until(async () => (await state(hook.id)).failures === 1, 15_000, 'the first attempt failed');
    expect((await json('DELETE', `/agent/rooms/${room.id}/messages/1`)).status).toBe(200);
    expect((await json('POST', `/agent/rooms/${room.id}/webhooks/${hook.id}/resume`)).status).toBe(200);
    await until(() => receiver.accepted.length === 1, 15_000, 'the retry');
    expect(receiver.attempts.map(carries)).toEqual([true, false]);
    expect(receiver.accepted[0]!.body.data).toMatchObject({ seq: 1, content: '[redacted]', redacted: true });
  });

  test('of a message on a page read before it: delivered redacted', async () => {
    let release: (status: number) => void = () => {};
    const receiver = await startReceiver((d) => (d.body.data.seq === 1 ? new Promise<number>((r) => (release = r)) : 200));
    const { client, room, addHook, json } = await setup();
    await addHook(receiver);
    await client.sendBatch(room.id, [{ sender: 'a', content: 'first' }, { sender: 'a', content: `token ${SECRET}` }]);
    await until(() => receiver.attempts.length === 1, 15_000, 'the first message in flight (the page holds both)');
    expect((await json('DELETE', `/agent/rooms/${room.id}/messages/2`)).status).toBe(200);
    release(200);
    await until(() => receiver.accepted.length === 2, 15_000, 'both delivered');
    expect(receiver.attempts.map(carries)).toEqual([false, false]);
    expect(receiver.accepted[1]!.body.data).toMatchObject({ seq: 2, content: '[redacted]' });
  });

  test('of the message in flight: that attempt is cut off and made again, redacted, at once', async () => {
    const receiver = await startReceiver((_d, attempt) => (attempt === 1 ? 'hang' : 200));
    const { client, room, addHook, state, json } = await setup({ hooks: { timeoutMs: 60_000 } });
    const hook = await addHook(receiver);
    await client.send(room.id, { sender: 'a', content: `token ${SECRET}` });
    await until(() => receiver.attempts.length === 1, 15_000, 'the attempt in flight');
    expect((await json('DELETE', `/agent/rooms/${room.id}/messages/1`)).status).toBe(200);
    await until(() => receiver.accepted.length === 1, 15_000, 'the redacted delivery');
    expect(receiver.accepted[0]!.body.data).toMatchObject({ seq: 1, content: '[redacted]' });
    expect(carries(receiver.accepted[0]!)).toBe(false);
    // Cut off by the redaction, not failed: nothing counted against the hook.
    await until(async () => (await state(hook.id)).lastDeliveredSeq === 1, 15_000, 'the cursor');
    expect(await state(hook.id)).toMatchObject({ failures: 0 });
    expect((await state(hook.id)).lastError).toBeUndefined();
  });
});

describe('a deleted room', () => {
  test('takes its hooks with it: workers stop, the hook file goes, nothing is logged', async () => {
    const logged: string[] = [];
    const receiver = await startReceiver();
    const { client, room, addHook, json, dir } = await setup({ hooks: { log: (m) => logged.push(m) } });
    await addHook(receiver);
    await client.send(room.id, { sender: 'a', content: 'before' });
    await until(() => receiver.accepted.length === 1, 15_000, 'one delivery');
    const file = join(dir, 'webhooks', `${room.id}.json`);
    expect(existsSync(file)).toBe(true);
    expect((await json('DELETE', `/agent/rooms/${room.id}`)).status).toBe(204);
    await until(() => !existsSync(file), 15_000, 'the hook file removed');
    expect((await json('GET', `/agent/rooms/${room.id}/webhooks`)).status).toBe(404);
    expect(logged).toEqual([]);
  });

  test('a hook that is retrying stops retrying: no attempt after the deletion, while another room keeps delivering', async () => {
    const failing = await startReceiver(() => 500);
    const healthy = await startReceiver();
    const { client, room, addHook, json, dir } = await setup();
    await addHook(failing);
    const other = await client.createRoom('still here');
    const res = await json('POST', `/agent/rooms/${other.id}/webhooks`, { url: healthy.url });
    healthy.setSecret(((await res.json()) as CreatedWebhook).secret);
    await client.send(room.id, { sender: 'a', content: 'never accepted' });
    await until(() => failing.attempts.length >= 3, 15_000, 'three failed attempts (retries 20-100 ms apart)');
    expect((await json('DELETE', `/agent/rooms/${room.id}`)).status).toBe(204);
    const after = failing.attempts.length + 1; // at most one attempt already in flight when the worker was stopped
    // Ten messages delivered to the other room take longer than several retry intervals of the stopped hook.
    for (let i = 1; i <= 10; i++) await client.send(other.id, { sender: 'a', content: `m${i}` });
    await until(() => healthy.accepted.length === 10, 15_000, 'the other room delivered');
    await new Promise((r) => setTimeout(r, 300)); // three max-backoff intervals
    expect(failing.attempts.length).toBeLessThanOrEqual(after);
    expect(existsSync(join(dir, 'webhooks', `${room.id}.json`))).toBe(false);
    expect(existsSync(join(dir, 'webhooks', `${other.id}.json`))).toBe(true);
  });
});
