// A2A send-once for a fleet: the first server to get a messageId claims it in Redis (SET NX), posts, and stores the
// message under it; a retry on any server waits for that claim and answers with the stored message.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '../../api/types.js';
import type { RedisLink } from './connection.js';
import { runScript } from './scripts.js';
import type { SendOnce } from '../fleet-contract.js';

export interface RedisSentIdsOptions {
  redis: RedisLink;
  /** The store's key prefix (default "im:"). */
  prefix?: string;
  /** How long a send is remembered (default a day). */
  rememberMs?: number;
  /** How long a claim holds while its server posts (default 30 s): a server that dies mid-post frees it then. */
  claimMs?: number;
  /** Whether the room still exists: a remembered send into a deleted room counts as never made (a retry then fails
   *  like any send to a missing room, or opens a new room). */
  roomExists?: (roomId: string) => Promise<boolean>;
}

const PENDING = 'pending:';
/** Deletes a claim that is still ours. KEYS: the claim. ARGV: its value. */
const DROP_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1`;

export class RedisSentIds implements SendOnce {
  private readonly prefix: string;

  constructor(private readonly options: RedisSentIdsOptions) {
    this.prefix = options.prefix ?? 'im:';
  }

  inRoom(roomId: string, messageId: string, post: () => Promise<Message>): Promise<Message> {
    return this.once(`${this.prefix}{${roomId}}:a2a:${messageId}`, post);
  }

  inNewRoom(messageId: string, post: () => Promise<Message>): Promise<Message> {
    return this.once(`${this.prefix}a2a-new:${messageId}`, post);
  }

  private async once(key: string, post: () => Promise<Message>): Promise<Message> {
    const { redis } = this.options;
    const claimMs = this.options.claimMs ?? 30_000;
    const deadline = Date.now() + claimMs;
    for (;;) {
      const claim = `${PENDING}${randomBytes(8).toString('hex')}`;
      if ((await redis.sendCommand(['SET', key, claim, 'NX', 'PX', String(claimMs)])) === 'OK') {
        let message: Message;
        try {
          message = await post();
        } catch (err) {
          // Not posted: the next retry may try again.
          await runScript(redis, DROP_CLAIM, [key], [claim]).catch(() => {});
          throw err;
        }
        await redis.sendCommand(['SET', key, JSON.stringify(message), 'PX', String(this.options.rememberMs ?? 86_400_000)]);
        return message;
      }
      const stored = (await redis.sendCommand(['GET', key])) as string | null;
      if (stored !== null && !stored.startsWith(PENDING)) {
        const message = JSON.parse(stored) as Message;
        if (!this.options.roomExists || (await this.options.roomExists(message.roomId))) return message;
        await runScript(redis, DROP_CLAIM, [key], [stored]);
        continue;
      }
      if (Date.now() > deadline) throw new Error('This messageId is still being posted by an earlier call; retry in a moment.');
      if (stored !== null) await sleep(25); // another call is posting it: wait for its answer
    }
  }
}
