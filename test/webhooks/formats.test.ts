// Hook formats slack, discord and ntfy, delivered to local receivers that accept only each service's documented shape.
import { describe, expect, test } from 'vitest';
import type { CreatedWebhook } from '../../src/api/webhooks.js';
import { startChatReceiver, type ChatReceiver, type ChatService } from '../helpers/chat-receivers.js';
import { until } from '../helpers/until.js';
import { webhookApp } from '../helpers/webhook-app.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

async function setup() {
  const t = await webhookApp();
  const room = await t.client.createRoom('deploys & <alerts>');
  const addHook = async (url: string, extra: Record<string, unknown> = {}) => {
    const res = await t.json('POST', `/agent/rooms/${room.id}/webhooks`, { url, ...extra });
    expect(res.status).toBe(201);
    return (await res.json()) as CreatedWebhook;
  };
  return { ...t, room, addHook };
}

const accepted = (r: ChatReceiver, n: number) => until(() => r.accepted.length + r.refused.length >= n, 5000, `${n} posts`);

describe('webhook formats', () => {
  test.each<[ChatService, string]>([
    ['slack', 'text'],
    ['discord', 'content'],
    ['ntfy', 'body'],
  ])('%s: the body the service takes, naming sender, room, message and a link to the room', async (service) => {
    const receiver = await startChatReceiver(service);
    const { client, room, addHook } = await setup();
    const hook = await addHook(receiver.url, { format: service, to: 'human', uiUrl: 'https://im.example.com/' });
    expect(hook).toMatchObject({ format: service, uiUrl: 'https://im.example.com', to: 'human' });
    await client.send(room.id, { sender: 'planner', content: 'not for people' });
    const m = await client.send(room.id, { sender: 'deployer', content: '@human approve the release? <!channel> @everyone', type: 'question' });
    await accepted(receiver, 1);

    expect(receiver.refused).toEqual([]);
    expect(receiver.accepted).toHaveLength(1); // the `to` filter holds (mentions count), as for standard hooks
    const post = receiver.accepted[0]!;
    const link = `https://im.example.com/#/room/${room.id}`;
    if (service === 'slack') {
      // Slack's control characters escaped: no channel ping, the room name readable.
      expect(post.message).toBe(`*deployer* in <${link}|deploys &amp; &lt;alerts&gt;> (#2, question):\n@human approve the release? &lt;!channel&gt; @everyone`);
    } else if (service === 'discord') {
      expect(post.message).toBe(`**deployer** in [deploys & <alerts\\>](<${link}>) (#2, question):\n@human approve the release? <!channel> @everyone`);
      expect(JSON.parse(post.text).allowed_mentions).toEqual({ parse: [] });
    } else {
      expect(post.message).toBe(m.content);
      expect(post).toMatchObject({ title: 'deployer in deploys & <alerts> (#2, question)', tags: ['speech_balloon', 'question'], click: link });
      expect(post.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
    // Still signed: a receiver that checks Standard Webhooks signatures can.
    expect(post.headers['webhook-id']).toBe(`msg_${m.id}`);
  });

  test('long and non-ASCII messages fit each service: Discord 2000 characters, ntfy 4096 bytes and an encoded Title', async () => {
    const discord = await startChatReceiver('discord');
    const ntfy = await startChatReceiver('ntfy');
    const { client, room, addHook } = await setup();
    await addHook(discord.url, { format: 'discord' });
    await addHook(ntfy.url, { format: 'ntfy' });
    await client.send(room.id, { sender: 'Zoë', content: 'ü'.repeat(5000) });
    await accepted(discord, 1);
    await accepted(ntfy, 1);
    expect([...discord.refused, ...ntfy.refused]).toEqual([]);
    expect([...discord.accepted[0]!.message]).toHaveLength(2000);
    expect(discord.accepted[0]!.message.endsWith('ü…')).toBe(true);
    expect(Buffer.byteLength(ntfy.accepted[0]!.message)).toBeLessThanOrEqual(4096);
    expect(ntfy.accepted[0]!.message).toMatch(/^ü+…$/);
    expect(ntfy.accepted[0]!.title).toBe('Zoë in deploys & <alerts> (#1)');
    // The link defaults to the address the hook was added through.
    expect(ntfy.accepted[0]!.click).toBe(`http://localhost/#/room/${room.id}`);
  });

  test('format standard (or none) keeps the Standard Webhooks body; a bad format or uiUrl is a 400 saying what to fix', async () => {
    const receiver = await startReceiver();
    const { client, room, addHook, json } = await setup();
    const hook = await addHook(receiver.url, { format: 'standard' });
    expect(hook.format).toBeUndefined();
    receiver.setSecret(hook.secret);
    const m = await client.send(room.id, { sender: 'a', content: 'b' });
    await until(() => receiver.accepted.length === 1, 5000, 'standard delivery');
    expect(receiver.accepted[0]!.body).toEqual({ type: 'message.created', timestamp: m.createdAt, data: m });

    for (const [body, message] of [
      [{ url: receiver.url, format: 'teams' }, 'format must be one of standard, slack, discord, ntfy'],
      [{ url: receiver.url, format: 'slack', uiUrl: 'javascript:alert(1)' }, 'uiUrl must be an absolute http:// or https:// URL'],
    ] as const) {
      const res = await json('POST', `/agent/rooms/${room.id}/webhooks`, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_webhook', message: expect.stringContaining(message) });
    }
  });
});
