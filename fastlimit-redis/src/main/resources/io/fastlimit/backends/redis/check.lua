-- fastlimit: check one key's buckets and, when the cost fits in all of them, consume it in all.
-- Runs atomically on the server; every key shares one hash tag, so it also runs on Redis Cluster.
--
-- KEYS[i]  the state of bucket i
-- ARGV[1]  cost, at least 1 and at most every limit
-- ARGV[2]  the time in epoch ms to use instead of the server's clock; '' to read TIME (production)
-- ARGV[3i], ARGV[3i+1], ARGV[3i+2]  bucket i: algorithm (log|fixed|token|counter), limit, window in ms
--
-- Returns {allowed (1|0), limit, remaining, reset epoch ms, retry-after ms, bucket index} for the most
-- restrictive bucket: when blocked the one waited for longest, when allowed the one with the fewest
-- units left. The index (from 0, in the order of KEYS) tells which bucket that is, since several
-- buckets may share a limit.
--
-- Time is in microseconds inside (TIME's precision); answers are rounded up to milliseconds. State
-- is plain Redis types, readable with redis-cli:
--   log      sorted set, one member per entry of the sliding log, scored by the time of its newest
--            unit; the member is "<start>:<before>:<after>": when the entry opened, and the running
--            count of units logged before and after it (so any span of entries is counted from two
--            members, and members are unique whatever is given back)
--   fixed    hash s = window start, n = count (windows aligned to the epoch)
--   token    hash t = theoretical arrival time (GCRA), f = its fraction in 1/limit microseconds
--   counter  hash s = current window start, c = current count, p = previous window's count
-- Every key expires by itself once its state no longer matters (plus a second of slack).
--
-- The script runs for every request, so it is written for speed: plain loops over parallel arrays,
-- no closures or tables per algorithm, a key's expiry set only when its deadline moves.
--
-- A full Redis (maxmemory with noeviction) must refuse every check that would write: Redis refuses a
-- script's write only while the script has written nothing yet, so phase 1 (read.lua) only reads and
-- the first write of phase 2 is always one that may grow memory (ZADD or HSET), never a deletion.
--
-- The sliding log is exact up to LOG_EXACT_LIMIT units per window. Above that, entries coalesce: a
-- unit joins the newest entry while less than ceil(window / LOG_EXACT_LIMIT) has passed since that
-- entry opened, and the entry's units all expire with its newest one. So a key holds at most about
-- LOG_EXACT_LIMIT + 2 entries whatever its limit, never admits more than the limit in any window,
-- and blocks at most that slot width longer than the exact log would. MemoryBackend does the same.

-- The backend puts clock.lua (`cost`, `now` in microseconds) and then read.lua in front of this
-- script. read.lua is phase 1: it reads every bucket, leaving per bucket its time t_, avail, wait,
-- reset and the state s1..s4 that consuming writes back, and returns the blocked answer itself when
-- the cost does not fit. What follows runs only when it fits in every bucket.

local SLACK_MS = 1000
local LOG_EXACT_LIMIT = ${LOG_EXACT_LIMIT}

-- Phase 2, allowed: every bucket consumes; report the one with the fewest units left, then whole last.
local tight
for i = 1, n do
    local key, alg = KEYS[i], ARGV[3 * i]
    local limit, win = tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2]) * 1000
    local t = t_[i]
    if alg == 'log' then
        -- join the newest entry while it is younger than one slot, else open an entry; ZADD first
        local slot = (limit > LOG_EXACT_LIMIT) and ceil(win / 1000 / LOG_EXACT_LIMIT) * 1000 or 1
        local after = s1[i] and s3[i] or 0
        if s1[i] and t < s2[i] + slot then
            local before = match(s1[i], '^%d+:(%d+):')
            redis.call('ZADD', key, fmt('%d', t), fmt('%d', s2[i]) .. ':' .. before .. ':' .. fmt('%d', after + cost))
            redis.call('ZREM', key, s1[i])
        else
            redis.call('ZADD', key, fmt('%d', t), fmt('%d', t) .. ':' .. fmt('%d', after) .. ':' .. fmt('%d', after + cost))
        end
        if s4[i] > 0 then
            redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt('%d', t - win))
        end
        redis.call('PEXPIRE', key, ceil(win / 1000) + SLACK_MS)
        avail[i] = avail[i] - cost
        reset[i] = t + win
    elseif alg == 'fixed' then
        local s, c = s1[i], s2[i]
        redis.call('HSET', key, 's', string.format('%d', s), 'n', c + cost)
        if c == 0 then
            redis.call('PEXPIRE', key, ceil((s + win - t) / 1000) + SLACK_MS) -- the window's end
        end
        avail[i] = limit - c - cost
        reset[i] = s + win
    elseif alg == 'token' then
        local after, afrac = s1[i], s2[i]
        local tat = t + after
        redis.call('HSET', key, 't', string.format('%d', tat), 'f', string.format('%d', afrac))
        reset[i] = tat + ((afrac > 0) and 1 or 0)
        redis.call('PEXPIRE', key, ceil((reset[i] - t) / 1000) + SLACK_MS) -- full again
        avail[i] = limit - ceil((after * limit + afrac) / win)
    else
        local s, c, p = s1[i], s2[i], s3[i]
        redis.call('HSET', key, 's', string.format('%d', s), 'c', c + cost, 'p', p)
        if c == 0 then
            redis.call('PEXPIRE', key, ceil((s + 2 * win - t) / 1000) + SLACK_MS) -- both windows gone
        end
        avail[i] = max(0, limit - c - cost - ceil(p * (win - (t - s)) / win))
        reset[i] = s + 2 * win
    end
    if tight == nil or avail[i] < avail[tight] or (avail[i] == avail[tight] and reset[i] > reset[tight]) then
        tight = i
    end
end
return {1, tonumber(ARGV[3 * tight + 1]), avail[tight], ceil(reset[tight] / 1000), 0, tight - 1}
