-- fastlimit: check one key's buckets and, when the cost fits in all of them, consume it in all.
-- Runs atomically on the server; every key shares one hash tag, so it also runs on Redis Cluster.
--
-- KEYS[i]  the state of bucket i
-- ARGV[1]  cost, at least 1 and at most every limit
-- ARGV[2]  the time in epoch ms to use instead of the server's clock; '' to read TIME (production)
-- ARGV[3*i], ARGV[3*i+1], ARGV[3*i+2]  bucket i: algorithm (log|fixed|token|counter), limit, window in ms
--
-- Returns {allowed (1|0), limit, remaining, reset epoch ms, retry-after ms} for the most restrictive
-- bucket: when blocked the one waited for longest, when allowed the one with the fewest units left.
--
-- Time is in microseconds inside (TIME's precision); answers are rounded up to milliseconds. State
-- is plain Redis types, readable with redis-cli:
--   log      sorted set, one member per unit consumed, scored by its time (exact sliding window)
--   fixed    hash s = window start, n = count (windows aligned to the epoch)
--   token    hash t = theoretical arrival time (GCRA), f = its fraction in 1/limit microseconds
--   counter  hash s = current window start, c = current count, p = previous window's count
-- Every key expires by itself once its state no longer matters (plus a second of slack).

if redis.replicate_commands then
    redis.replicate_commands() -- needed before Redis 5 to write after reading TIME; a no-op since
end

local cost = tonumber(ARGV[1])
local now
if ARGV[2] ~= '' then
    now = tonumber(ARGV[2]) * 1000
else
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local SLACK_MS = 1000
local floor, ceil, fmod, max, min = math.floor, math.ceil, math.fmod, math.max, math.min

local function expire(key, until_us, at)
    redis.call('PEXPIRE', key, ceil((until_us - at) / 1000) + SLACK_MS)
end

-- Each algorithm has: load(b) reads state and fills b.available, b.wait (0 when the cost fits),
-- b.reset; consume(b) writes the state after the cost was taken and refreshes b.available, b.reset.

local log = {}
function log.load(b)
    redis.call('ZREMRANGEBYSCORE', b.key, '-inf', now - b.win)
    b.now = now
    local newest = redis.call('ZRANGE', b.key, -1, -1, 'WITHSCORES')
    if newest[2] and tonumber(newest[2]) > now then
        b.now = tonumber(newest[2]) -- the clock stepped back: time does not run backwards here
    end
    b.count = redis.call('ZCARD', b.key)
    b.available = b.limit - b.count
    local excess = b.count + cost - b.limit
    b.wait = 0
    if excess > 0 then
        local freeing = redis.call('ZRANGE', b.key, excess - 1, excess - 1, 'WITHSCORES')
        b.wait = tonumber(freeing[2]) + b.win - b.now
    end
    b.reset = newest[2] and (tonumber(newest[2]) + b.win) or b.now
end
function log.consume(b)
    -- members are unique: time and position; the position grows within one microsecond
    local args = {}
    for j = 1, cost do
        args[#args + 1] = b.now
        args[#args + 1] = string.format('%d:%d', b.now, b.count + j)
        if #args >= 1000 or j == cost then
            redis.call('ZADD', b.key, unpack(args))
            args = {}
        end
    end
    b.available = b.available - cost
    b.reset = b.now + b.win
    expire(b.key, b.reset, b.now)
end

local fixed = {}
function fixed.load(b)
    local start = now - fmod(now, b.win)
    local h = redis.call('HMGET', b.key, 's', 'n')
    local s, n = tonumber(h[1]), tonumber(h[2]) or 0
    b.now = now
    if s == nil or s < start then
        s, n = start, 0
    elseif s > start then
        b.now = s -- the clock stepped back: stay in the later window
    end
    b.s, b.n = s, n
    b.available = b.limit - n
    b.wait = (n + cost <= b.limit) and 0 or (s + b.win - b.now)
    b.reset = (n == 0) and b.now or (s + b.win)
end
function fixed.consume(b)
    b.n = b.n + cost
    redis.call('HSET', b.key, 's', string.format('%d', b.s), 'n', b.n)
    b.available = b.limit - b.n
    b.reset = b.s + b.win
    expire(b.key, b.reset, b.now)
end

-- GCRA: TAT = t + f/limit microseconds, the moment the bucket is full again. Each unit is worth
-- win/limit microseconds of debt; a cost fits while the debt after it stays within one window.
-- Whole microseconds and a fraction in 1/limit are kept apart, so no rounding drifts.
local token = {}
function token.load(b)
    local h = redis.call('HMGET', b.key, 't', 'f')
    local t, f = tonumber(h[1]), tonumber(h[2]) or 0
    b.now = now
    local debt, dfrac = 0, 0
    if t ~= nil and (t > now or (t == now and f > 0)) then
        debt, dfrac = t - now, f
    end
    local limit, win = b.limit, b.win
    if debt == 0 and dfrac == 0 then
        b.available = limit
        b.reset = now
    else
        b.available = limit - ceil((debt * limit + dfrac) / win)
        b.reset = t + ((f > 0) and 1 or 0)
    end
    local cf = cost * fmod(win, limit)
    local sum = dfrac + fmod(cf, limit)
    local carry = (sum >= limit) and 1 or 0
    b.adebt = debt + cost * floor(win / limit) + floor(cf / limit) + carry
    b.afrac = (sum >= limit) and (sum - limit) or sum
    if b.adebt < win or (b.adebt == win and b.afrac == 0) then
        b.wait = 0
    else
        b.wait = b.adebt - win + ((b.afrac > 0) and 1 or 0)
    end
end
function token.consume(b)
    local t = b.now + b.adebt
    redis.call('HSET', b.key, 't', string.format('%d', t), 'f', string.format('%d', b.afrac))
    b.available = b.limit - ceil((b.adebt * b.limit + b.afrac) / b.win)
    b.reset = t + ((b.afrac > 0) and 1 or 0)
    expire(b.key, b.reset, b.now)
end

-- estimate = previous * (window - elapsed) / window + current; a cost fits while estimate + cost <= limit
local counter = {}
function counter.load(b)
    local win, limit = b.win, b.limit
    local start = now - fmod(now, win)
    local h = redis.call('HMGET', b.key, 's', 'c', 'p')
    local s, c, p = tonumber(h[1]), tonumber(h[2]) or 0, tonumber(h[3]) or 0
    b.now = now
    if s == nil then
        s, c, p = start, 0, 0
    elseif s < start then
        if start - win == s then p = c else p = 0 end
        s, c = start, 0
    elseif s > start then
        b.now = s -- the clock stepped back: stay in the later window
    end
    b.s, b.c, b.p = s, c, p
    local elapsed = b.now - s
    b.available = max(0, limit - c - ceil(p * (win - elapsed) / win))
    local room = limit - c - cost
    b.wait = nil
    if room >= 0 and p * (win - elapsed) <= room * win then
        b.wait = 0
    elseif room >= 0 then
        local fits_at = win - min(floor(room * win / p), win)
        if fits_at < win then
            b.wait = s + fits_at - b.now
        end
    end
    if b.wait == nil then
        local fits_at = (c == 0) and 0 or (win - min(floor((limit - cost) * win / c), win))
        b.wait = s + win + fits_at - b.now
    end
    if c > 0 then
        b.reset = s + 2 * win
    elseif p > 0 then
        b.reset = s + win
    else
        b.reset = b.now
    end
end
function counter.consume(b)
    b.c = b.c + cost
    redis.call('HSET', b.key, 's', string.format('%d', b.s), 'c', b.c, 'p', b.p)
    b.available = max(0, b.limit - b.c - ceil(b.p * (b.win - (b.now - b.s)) / b.win))
    b.reset = b.s + 2 * b.win
    expire(b.key, b.reset, b.now)
end

local algorithms = {log = log, fixed = fixed, token = token, counter = counter}

local buckets = {}
for i = 1, #KEYS do
    local a = 3 * i
    local b = {key = KEYS[i], alg = algorithms[ARGV[a]], limit = tonumber(ARGV[a + 1]), win = tonumber(ARGV[a + 2]) * 1000}
    b.alg.load(b)
    buckets[i] = b
end

local function ms(us)
    return ceil(us / 1000)
end

-- Blocked: the bucket waited for longest; among equal waits, fewest units free, then whole last.
local worst
for _, b in ipairs(buckets) do
    if b.wait > 0 and (worst == nil or b.wait > worst.wait
            or (b.wait == worst.wait and (b.available < worst.available
                or (b.available == worst.available and b.reset > worst.reset)))) then
        worst = b
    end
end
if worst then
    return {0, worst.limit, worst.available, ms(worst.reset), ms(worst.wait)}
end

-- Allowed: every bucket consumes; report the one with the fewest units left, then whole last.
local tightest
for _, b in ipairs(buckets) do
    b.alg.consume(b)
    if tightest == nil or b.available < tightest.available
            or (b.available == tightest.available and b.reset > tightest.reset) then
        tightest = b
    end
end
return {1, tightest.limit, tightest.available, ms(tightest.reset), 0}
