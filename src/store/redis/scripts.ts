// The Lua scripts that make the Redis store's multi-step changes atomic, each touching the keys of one room only, and
// runScript, which every Redis script here (the store's, presence's, hooks', sent ids') is run by.
import { createHash } from 'node:crypto';
import type { RedisLink } from './connection.js';

/**
 * Appends a group of batches: takes the next seqs from the room's counter and adds each message with the explicit
 * stream id 0-<seq>, in one atomic step, so concurrent writers on any number of instances get one contiguous range per
 * batch and no seq is skipped or given twice. Each message comes as the text before and after its seq, so the stored
 * JSON is exactly what the client built. A batch may name room hash fields (settings) that refuse it: if the room has
 * any of them, that batch is not stored (its sender reads the room and decides). On a single Redis the room's place in
 * the catalog moves in the same step (a Cluster keeps the catalog on other slots). Count retention trims in the same
 * step; the notification goes out with it, or, with the channel '' (--redis-wait), is held back for RAISE, and the
 * room's visible seq (rs) starts where it stood.
 * KEYS: room hash, log stream, and on a single Redis the catalog. ARGV: createdAt, createdAt in ms, maxMessages
 * (0 = all), the room's notices channel, roomId, then for each batch: the number of fields that refuse it, those
 * fields, its number of messages, its head/tail pairs.
 * Returns each batch's first seq, 0 for a refused one.
 */
export const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM') end
local plan, set, total, i = {}, {}, 0, 6
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local refused = false
  for j = i + 1, i + n do
    local f = ARGV[j]
    if set[f] == nil then set[f] = redis.call('HEXISTS', KEYS[1], f) == 1 end
    if set[f] then refused = true end
  end
  local count = tonumber(ARGV[i + n + 1])
  if refused then plan[#plan + 1] = { 0, 0 } else
    plan[#plan + 1] = { count, i + n + 2 }
    total = total + count
  end
  i = i + n + 2 + 2 * count
end
local out = {}
if total == 0 then
  for k = 1, #plan do out[k] = 0 end
  return out
end
local last = redis.call('HINCRBY', KEYS[1], 'seq', total)
local seq = last - total + 1
local first = seq
for k, p in ipairs(plan) do
  out[k] = 0
  if p[1] > 0 then
    out[k] = seq
    for x = 0, p[1] - 1 do
      redis.call('XADD', KEYS[2], '0-' .. seq, 'm', ARGV[p[2] + 2 * x] .. seq .. ARGV[p[2] + 2 * x + 1])
      seq = seq + 1
    end
  end
end
redis.call('HSET', KEYS[1], 'lastAt', ARGV[1])
if KEYS[3] then redis.call('ZADD', KEYS[3], 'XX', 'GT', ARGV[2], ARGV[5]) end
local max = tonumber(ARGV[3])
if max > 0 and last > max then redis.call('XTRIM', KEYS[2], 'MINID', '0-' .. (last - max + 1)) end
if ARGV[4] == '' then
  if redis.call('HEXISTS', KEYS[1], 'rs') == 0 then redis.call('HSET', KEYS[1], 'rs', first - 1) end
else
  redis.call('PUBLISH', ARGV[4], ARGV[5] .. ' ' .. last)
end
return out
`;

/**
 * --redis-wait: makes a room's messages up to a seq visible, once replicas have them (the room's `rs`, the newest seq
 * readers see, only rises), and sends the notice the append held back. KEYS: room hash. ARGV: seq, the room's
 * notices channel, roomId. Returns 1 if it rose, 0 if it was there already or the room is gone.
 */
export const RAISE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[1]) <= tonumber(redis.call('HGET', KEYS[1], 'rs') or '0') then return 0 end
redis.call('HSET', KEYS[1], 'rs', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. ARGV[1])
return 1
`;

/**
 * --redis-wait: a page of a room's messages up to its \`rs\` only (what replicas have), read in one step with it.
 * KEYS: room hash, log stream. ARGV: first seq wanted, or '' for the newest; most entries. Returns false for no such
 * room, else [seq, the newest visible seq, entries].
 */
export const READ_VISIBLE = `
local h = redis.call('HMGET', KEYS[1], 'createdAt', 'seq', 'rs')
if not h[1] then return false end
local top = h[3] or h[2]
local entries = {}
if ARGV[1] == '' then
  entries = redis.call('XREVRANGE', KEYS[2], '0-' .. top, '-', 'COUNT', ARGV[2])
elseif tonumber(ARGV[1]) <= tonumber(top) then
  entries = redis.call('XRANGE', KEYS[2], '0-' .. ARGV[1], '0-' .. top, 'COUNT', ARGV[2])
end
return { h[2], top, entries }
`;

/**
 * Changes fields of an existing hash only (a room deleted meanwhile is not brought back as a fragment).
 * KEYS: the hash. ARGV: number of field/value pairs to set, the pairs, then fields to delete. Returns the whole hash.
 */
export const PATCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM') end
local n = tonumber(ARGV[1])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 2, 1 + 2 * n)) end
if #ARGV > 1 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 2 + 2 * n)) end
return redis.call('HGETALL', KEYS[1])
`;

/** Adds an agent unless the room is gone or has one by that name. KEYS: room hash, agents hash. ARGV: name, JSON.
 *  Returns 1, or 0 for a name taken. */
export const ADD_AGENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM') end
return redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
`;

/**
 * Deletes a room's own keys in one step and returns the key digests it held at that moment, so the caller removes
 * exactly the key entries of keys that existed (a key added just before is in the answer; one added after finds the
 * room gone). KEYS: room hash, agents hash, then the rest of the room's keys. Returns false for no such room, else
 * [write digest, read digest, agent JSON...].
 */
export const DROP = `
local room = redis.call('HMGET', KEYS[1], 'createdAt', 'kw', 'kr')
if not room[1] then return false end
local out = { room[2] or '', room[3] or '' }
for _, json in ipairs(redis.call('HVALS', KEYS[2])) do out[#out + 1] = json end
redis.call('UNLINK', unpack(KEYS))
return out
`;

/** Creates a room's hash unless one exists. KEYS: room hash. ARGV: field/value pairs. Returns 1, or 0 for an id
 *  taken. */
export const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/** Moves an inbox cursor forward only; a new name past the cap is refused unless it has an agent key. KEYS: room
 *  hash, cursors hash, agents hash. ARGV: name, seq, cap. Returns the cursor after, or -1 when refused. */
export const SET_CURSOR = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM') end
local now = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq <= now then return now end
if now == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) and redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return -1 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return seq
`;

/**
 * Replaces one message in place: a stream entry cannot be changed, and XDEL only flags it (its bytes stay in the
 * stream's node), so the stream is copied entry by entry with the new text and renamed over the old one. Refused
 * (returns 0) when the entry is no longer the text the caller read. O(messages in the room): redaction is rare.
 * KEYS: room hash, log stream, scratch stream. ARGV: seq, text read, new text, channel, notice. Returns 1 or 0.
 */
export const REPLACE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM') end
local id = '0-' .. ARGV[1]
local now = redis.call('XRANGE', KEYS[2], id, id)
if #now == 0 or now[1][2][2] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[3])
local from = '-'
while true do
  local chunk = redis.call('XRANGE', KEYS[2], from, '+', 'COUNT', 1000)
  if #chunk == 0 then break end
  for _, e in ipairs(chunk) do
    local text = e[2][2]
    if e[1] == id then text = ARGV[3] end
    redis.call('XADD', KEYS[3], e[1], 'm', text)
  end
  from = '(' .. chunk[#chunk][1]
end
redis.call('RENAME', KEYS[3], KEYS[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * Appends messages as they are (for migrate): the first must follow the room's counter, except in an empty room.
 * KEYS: room hash, log stream. ARGV: first seq, last createdAt, then each message's JSON text.
 * Returns 1, or an error "CONFLICT <expected seq>".
 */
export const IMPORT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM') end
local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local first = tonumber(ARGV[1])
if last == 0 and redis.call('XLEN', KEYS[2]) == 0 and first > 1 then last = first - 1 end
if first ~= last + 1 then return redis.error_reply('CONFLICT ' .. (last + 1)) end
for i = 3, #ARGV do
  redis.call('XADD', KEYS[2], '0-' .. (first + i - 3), 'm', ARGV[i])
end
redis.call('HSET', KEYS[1], 'seq', first + #ARGV - 3, 'lastAt', ARGV[2])
return 1
`;

/** Lists a room in the catalog unless the catalog is full (a single Redis: one index, counted with ZCARD). KEYS:
 *  catalog. ARGV: max, score, id. Returns 1 or 0. */
export const ADMIT = `
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
`;

/** Counts a room in unless the count is at the maximum (a Cluster: the index's buckets are on other slots, so the
 *  count is a key of its own). KEYS: count. ARGV: max. Returns 1 or 0. */
export const COUNT_IN = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
return 1
`;

const shardedScripts = new Map<string, string>();

/** The script with its notice sent by SPUBLISH, for a Cluster: the channel carries the room's {id} tag, so the
 *  notice stays on the room's shard and reaches only the servers that SSUBSCRIBEd there. */
export function sharded(script: string): string {
  let out = shardedScripts.get(script);
  if (out === undefined) shardedScripts.set(script, (out = script.replaceAll("redis.call('PUBLISH',", "redis.call('SPUBLISH',")));
  return out;
}

const shas = new Map<string, string>();
const sha1 = (script: string): string => {
  let sha = shas.get(script);
  if (sha === undefined) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  return sha;
};

/** Runs a script by its digest, sending its text only when this Redis has not seen it yet (NOSCRIPT). */
export async function runScript(client: RedisLink, script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  const rest = [String(keys.length), ...keys, ...args];
  try {
    return await client.sendCommand(['EVALSHA', sha1(script), ...rest]);
  } catch (err) {
    if (!(err as Error)?.message?.startsWith('NOSCRIPT')) throw err;
    return client.sendCommand(['EVAL', script, ...rest]);
  }
}
