-- fastlimit: read one key's buckets without writing anything: where a check of cost 1 would find
-- them now (FastLimit.peek). Read-only: it calls only TIME, ZRANGE, ZCOUNT, ZCARD and HMGET, so it
-- may run on a replica or under EVALSHA_RO, and a full Redis still answers it.
--
-- KEYS[i]  the state of bucket i, as check.lua keeps it
-- ARGV[1]  1 (the cost a peek is for)
-- ARGV[2]  the time in epoch ms to use instead of the server's clock; '' to read TIME (production)
-- ARGV[3i], ARGV[3i+1], ARGV[3i+2]  bucket i: algorithm (log|fixed|token|counter), limit, window in ms
--
-- Returns {would pass (1|0), limit, units free now, reset epoch ms, retry-after ms, bucket index} for
-- the bucket a check would report: when a cost-1 request would be blocked, the one waited for
-- longest; otherwise the one with the fewest units free, then the one whole last. A key never seen
-- reads as full. Phase 1 below is check.lua's, unchanged, so the two cannot disagree on a state.

-- `cost` and `now` (microseconds) come from clock.lua, which the backend puts in front of this script.

local floor, ceil, fmod, max, min = math.floor, math.ceil, math.fmod, math.max, math.min
local fmt, match = string.format, string.match
local n = #KEYS

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

-- Blocked: the bucket waited for longest; among equal waits, fewest units free, then whole last.
local worst
for i = 1, n do
    local w = wait[i]
    if w > 0 and (worst == nil or w > wait[worst] or (w == wait[worst] and (avail[i] < avail[worst]
            or (avail[i] == avail[worst] and reset[i] > reset[worst])))) then
        worst = i
    end
end
if worst then
    return {0, tonumber(ARGV[3 * worst + 1]), avail[worst], ceil(reset[worst] / 1000),
            ceil((wait[worst] + t_[worst] - now) / 1000), worst - 1}
end

-- Would pass: the bucket with the fewest units free, then whole last.
local tight = 1
for i = 2, n do
    if avail[i] < avail[tight] or (avail[i] == avail[tight] and reset[i] > reset[tight]) then
        tight = i
    end
end
return {1, tonumber(ARGV[3 * tight + 1]), avail[tight], ceil(reset[tight] / 1000), 0, tight - 1}
