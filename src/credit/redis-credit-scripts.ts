/**
 * The Lua scripts of the Redis reservations. Redis runs a script as one step: nothing else runs
 * between its reads and its writes, which is what makes check-and-reserve atomic across gateways.
 *
 * A credit hash (one per account, one per key and budget period) holds:
 * - `base`: the stored balance (accounts) or `spent`: the stored spending (keys), micro-USD;
 * - `p:<instance>`: what that gateway process holds and has charged but not stored yet;
 * - `epoch`: bumped by every change of `base`/`spent`, so a refresh that raced one is dropped;
 * - `at`: when `base`/`spent` was last read from the database (Redis time, ms).
 * The sorted set of instances scores each gateway process by its last heartbeat.
 */
import { createHash } from 'node:crypto';

export interface RedisScript {
  source: string;
  sha: string;
}

function script(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const NOW_MS = `
local clock = redis.call('TIME')
local nowMs = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * Sums the `p:` fields of a hash, dropping those of processes whose heartbeat is older than
 * `deadAfter` ms (their requests died with them).
 */
const PENDING_TOTAL = `
local function pendingTotal(hash, instances, me, deadAfter)
  local fields = redis.call('HGETALL', hash)
  local total = 0
  for index = 1, #fields, 2 do
    local name = fields[index]
    if string.sub(name, 1, 2) == 'p:' then
      local owner = string.sub(name, 3)
      local value = tonumber(fields[index + 1])
      if owner ~= me then
        local seen = redis.call('ZSCORE', instances, owner)
        if (not seen) or (nowMs - tonumber(seen) > deadAfter) then
          redis.call('HDEL', hash, name)
          value = 0
        end
      end
      total = total + value
    end
  end
  return total
end
`;

/**
 * KEYS: account hash, budget hash, instances. ARGV: instance, amount, dead-after ms, budget limit
 * (or '-' for none), ttl ms. Returns {'ok', account age ms, budget age ms}, {'cold-account'},
 * {'cold-budget'}, or {'credit'|'budget', what is left as a string}.
 */
export const RESERVE = script(`${NOW_MS}${PENDING_TOTAL}
local me = ARGV[1]
local amount = tonumber(ARGV[2])
local deadAfter = tonumber(ARGV[3])
local base = redis.call('HGET', KEYS[1], 'base')
if not base then return {'cold-account'} end
local available = tonumber(base) - pendingTotal(KEYS[1], KEYS[3], me, deadAfter)
if available < amount then return {'credit', string.format('%.0f', available)} end
local limited = ARGV[4] ~= '-'
if limited then
  local spent = redis.call('HGET', KEYS[2], 'spent')
  if not spent then return {'cold-budget'} end
  local remaining = tonumber(ARGV[4]) - tonumber(spent) - pendingTotal(KEYS[2], KEYS[3], me, deadAfter)
  if remaining < amount then return {'budget', string.format('%.0f', remaining)} end
end
redis.call('HINCRBY', KEYS[1], 'p:' .. me, ARGV[2])
redis.call('HINCRBY', KEYS[2], 'p:' .. me, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local accountAt = tonumber(redis.call('HGET', KEYS[1], 'at') or '0')
local budgetAt = tonumber(redis.call('HGET', KEYS[2], 'at') or '0')
return {'ok', string.format('%.0f', nowMs - accountAt), string.format('%.0f', nowMs - budgetAt)}
`);

/**
 * A batch was stored. KEYS: hash. ARGV: instance, change of its pending (signed), the stored
 * field (`base` or `spent`), change of that field (signed), ttl ms.
 */
export const APPLY_STORED = script(`
redis.call('HINCRBY', KEYS[1], 'p:' .. ARGV[1], ARGV[2])
if redis.call('HEXISTS', KEYS[1], ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[3], ARGV[4])
end
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`);

/**
 * Sets `base`/`spent` from a database read, unless it changed since `epoch` was read before that
 * read. KEYS: hash. ARGV: field, value, epoch read, ttl ms. Returns 1 when set.
 */
export const SET_STORED = script(`${NOW_MS}
local epoch = redis.call('HGET', KEYS[1], 'epoch') or '0'
if epoch ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], 'at', string.format('%.0f', nowMs))
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** KEYS: instances. ARGV: instance, forget-after ms. Returns 1 when the instance was not registered. */
export const HEARTBEAT = script(`${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', nowMs - tonumber(ARGV[2])))
return redis.call('ZADD', KEYS[1], string.format('%.0f', nowMs), ARGV[1])
`);

/** KEYS: instances. ARGV: instance, dead-after ms. Returns 1 when its heartbeat is recent. */
export const IS_ALIVE = script(`${NOW_MS}
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if seen and nowMs - tonumber(seen) <= tonumber(ARGV[2]) then return 1 end
return 0
`);
