// What a Redis crash (kill -9, OOM kill, power loss) may cost under this Redis's persistence settings, read once at start.
import type { Warn } from '../store.js';
import type { RedisConnection } from './connection.js';

/**
 * The settings under which every acknowledged message survives a Redis crash, each batch whole or not at all, and the
 * failure each other value allows. Redis 7.0 runs a batch's script effects as one MULTI/EXEC in its AOF; a crash can
 * cut that block short.
 */
const WANTED: readonly { name: string; want: string; risk: string }[] = [
  {
    name: 'appendonly',
    want: 'yes',
    risk: 'a Redis restart loses every message written since its last RDB snapshot',
  },
  {
    name: 'appendfsync',
    want: 'always',
    risk: 'Redis answers before a write reaches its AOF, so a Redis crash can lose acknowledged messages (the last second or two of them)',
  },
  {
    name: 'aof-load-truncated',
    want: 'no',
    risk:
      'after a crash that cut a batch short in the AOF, Redis loads the cut batch\'s first part and keeps it in the file, where the next restart merges it with a later batch: an acknowledged batch partly lost, seqs skipped (with "no" Redis refuses to start instead; redis-check-aof --fix then drops the cut batch whole)',
  },
];

/**
 * Warns, one line per setting, where this Redis would lose or tear acknowledged messages in a crash, saying what to
 * set. Warns rather than refuses: a Redis kept only for tests, or made durable by replicas, is a choice, and managed
 * Redis often refuses CONFIG (then one line says the settings could not be read).
 */
export async function checkDurability(redis: RedisConnection, where: string, warn: Warn): Promise<void> {
  let reply: Record<string, string>;
  try {
    // One name per CONFIG GET: Redis before 7.0 takes only one.
    reply = Object.assign({}, ...(await Promise.all(WANTED.map(({ name }) => redis.configGet(name)))));
  } catch (err) {
    warn(`could not read the persistence settings of Redis at ${where} (${(err as Error).message}); for no acknowledged message to be lost or torn in a Redis crash it needs ${WANTED.map((s) => `${s.name} ${s.want}`).join(', ')}`);
    return;
  }
  for (const { name, want, risk } of WANTED) {
    const now = reply[name];
    if (now === undefined || now === want) continue;
    warn(`Redis at ${where} has ${name} ${now}: ${risk}. Set ${name} ${want} (CONFIG SET ${name} ${want}, and in redis.conf)`);
  }
}
