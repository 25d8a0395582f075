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
-- script's write only while the script has written nothing yet, so phase 1 only reads and the first
-- write of phase 2 is always one that may grow memory (ZADD or HSET), never a deletion.
--
-- The sliding log is exact up to LOG_EXACT_LIMIT units per window. Above that, entries coalesce: a
-- unit joins the newest entry while less than ceil(window / LOG_EXACT_LIMIT) has passed since that
-- entry opened, and the entry's units all expire with its newest one. So a key holds at most about
-- LOG_EXACT_LIMIT + 2 entries whatever its limit, never admits more than the limit in any window,
-- and blocks at most that slot width longer than the exact log would. MemoryBackend does the same.

-- `cost` and `now` (microseconds) come from clock.lua, which the backend puts in front of this script.

local SLACK_MS = 1000
local LOG_EXACT_LIMIT = ${LOG_EXACT_LIMIT}
local floor, ceil, fmod, max, min = math.floor, math.ceil, math.fmod, math.max, math.min
local fmt, match = string.format, string.match
local n = #KEYS

-- Per bucket i: its time (now, or later if the clock stepped back: time never runs backwards for a
-- bucket), units available, the wait until the cost fits (0: fits now), when it is whole again, and
-- the state that consuming writes back.
local t_, avail, wait, reset, s1, s2, s3, s4 = {}, {}, {}, {}, {}, {}, {}, {}

-- Phase 1: read every bucket; nothing is written yet.
for i = 1, n do
    local key, alg = KEYS[i], ARGV[3 * i]
    local limit, win = tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2]) * 1000
    local t = now
    if alg == 'log' then
        -- sliding log: units logged in (t - win, t] plus the cost must stay within the limit
        local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
        local count, expired = 0, 0
        if newest[1] then
            local stamp = tonumber(newest[2])
            if stamp > now then
                t = stamp
            end
            local start, _, after = match(newest[1], '^(%d+):(%d+):(%d+)$')
            s1[i], s2[i], s3[i] = newest[1], tonumber(start), tonumber(after)
            if stamp > t - win then
                -- entries up to t - win have expired; the oldest live one says what was logged before
                expired = redis.call('ZCOUNT', key, '-inf', fmt('%d', t - win))
                local oldest = redis.call('ZRANGE', key, expired, expired)[1]
                local before = tonumber(match(oldest, '^%d+:(%d+):'))
                count = s3[i] - before
                local excess = count + cost - limit
                if excess > 0 then
                    -- the first entry whose expiry frees the last place needed: a binary search by
                    -- rank over the running counts, which grow with rank
                    local lo, hi = expired, redis.call('ZCARD', key) - 1
                    while lo < hi do
                        local mid = floor((lo + hi) / 2)
                        if tonumber(match(redis.call('ZRANGE', key, mid, mid)[1], ':(%d+)$')) - before >= excess then
                            hi = mid
                        else
                            lo = mid + 1
                        end
                    end
                    wait[i] = tonumber(redis.call('ZRANGE', key, lo, lo, 'WITHSCORES')[2]) + win - t
                end
                reset[i] = stamp + win
            else
                expired = redis.call('ZCARD', key)
            end
        else
            s1[i] = false
        end
        s4[i] = expired
        avail[i] = limit - count
        wait[i] = wait[i] or 0
        reset[i] = reset[i] or t
    elseif alg == 'fixed' then
        -- one counter per epoch-aligned window
        local start = now - fmod(now, win)
        local h = redis.call('HMGET', key, 's', 'n')
        local s, c = tonumber(h[1]), tonumber(h[2]) or 0
        if s == nil or s < start then
            s, c = start, 0
        elseif s > start then
            t = s
        end
        s1[i], s2[i] = s, c
        avail[i] = limit - c
        wait[i] = (c + cost <= limit) and 0 or (s + win - t)
        reset[i] = (c == 0) and t or (s + win)
    elseif alg == 'token' then
        -- GCRA: TAT = tat + frac/limit us is when the bucket is full again; each unit is worth
        -- win/limit us of debt; a cost fits while the debt after it stays within one window. Whole
        -- microseconds and the fraction are kept apart, so no rounding drifts.
        local h = redis.call('HMGET', key, 't', 'f')
        local tat, frac = tonumber(h[1]), tonumber(h[2]) or 0
        local debt, dfrac = 0, 0
        if tat ~= nil and (tat > now or (tat == now and frac > 0)) then
            debt, dfrac = tat - now, frac
        end
        if debt == 0 and dfrac == 0 then
            avail[i] = limit
            reset[i] = now
        else
            avail[i] = limit - ceil((debt * limit + dfrac) / win)
            reset[i] = tat + ((frac > 0) and 1 or 0)
        end
        local cf = cost * fmod(win, limit)
        local sum = dfrac + fmod(cf, limit)
        local after = debt + cost * floor(win / limit) + floor(cf / limit) + ((sum >= limit) and 1 or 0)
        local afrac = (sum >= limit) and (sum - limit) or sum
        s1[i], s2[i] = after, afrac
        if after < win or (after == win and afrac == 0) then
            wait[i] = 0
        else
            wait[i] = after - win + ((afrac > 0) and 1 or 0)
        end
    else
        -- counter: estimate = previous * (win - elapsed) / win + current, over epoch-aligned windows
        local start = now - fmod(now, win)
        local h = redis.call('HMGET', key, 's', 'c', 'p')
        local s, c, p = tonumber(h[1]), tonumber(h[2]) or 0, tonumber(h[3]) or 0
        if s == nil then
            s, c, p = start, 0, 0
        elseif s < start then
            if start - win == s then p = c else p = 0 end
            s, c = start, 0
        elseif s > start then
            t = s
        end
        s1[i], s2[i], s3[i] = s, c, p
        local elapsed = t - s
        avail[i] = max(0, limit - c - ceil(p * (win - elapsed) / win))
        local room = limit - c - cost
        local w
        if room >= 0 and p * (win - elapsed) <= room * win then
            w = 0
        elseif room >= 0 then
            local fits_at = win - min(floor(room * win / p), win)
            if fits_at < win then
                w = s + fits_at - t
            end
        end
        if w == nil then
            -- only in the next window, where the current count becomes the previous one
            local fits_at = (c == 0) and 0 or (win - min(floor((limit - cost) * win / c), win))
            w = s + win + fits_at - t
        end
        wait[i] = w
        if c > 0 then
            reset[i] = s + 2 * win
        elseif p > 0 then
            reset[i] = s + win
        else
            reset[i] = t
        end
    end
    t_[i] = t
end

-- Blocked: report the bucket waited for longest; among equal waits, fewest units free, then whole last.
local worst
for i = 1, n do
    local w = wait[i]
    if w > 0 and (worst == nil or w > wait[worst] or (w == wait[worst] and (avail[i] < avail[worst]
            or (avail[i] == avail[worst] and reset[i] > reset[worst])))) then
        worst = i
    end
end
if worst then
    -- the wait is on the bucket's time, which stays ahead of a clock that stepped back: add the gap
    return {0, tonumber(ARGV[3 * worst + 1]), avail[worst], ceil(reset[worst] / 1000),
            ceil((wait[worst] + t_[worst] - now) / 1000), worst - 1}
end

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
