-- fastlimit: phase 1 of check.lua and of peek.lua, shared: the backend puts it after clock.lua and
-- before the rest of either script. It reads every bucket of one key, writing nothing (it calls only
-- ZRANGE, ZCOUNT, ZCARD and HMGET), and works out for each where a check of `cost` would find it.
-- When the cost does not fit in some bucket it returns the blocked answer itself; otherwise it falls
-- through, and check.lua consumes while peek.lua only reports. Both scripts thus read the same state
-- the same way and give the same blocked answer.
--
-- KEYS and ARGV as check.lua describes them; the state each algorithm keeps is described there too.
-- The locals it leaves for the rest of the script: n (#KEYS), floor, ceil, fmod, max, min, fmt,
-- match, and per bucket i the tables below: t_, avail, wait, reset, and s1..s4, the state as
-- consuming would write it back (log: newest member or false, its start, its running count after,
-- the entries expired; fixed: s, n; token: debt after the cost and its fraction; counter: s, c, p).
--
-- `cost` and `now` (microseconds) come from clock.lua, which the backend puts in front of this file.

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
