-- fastlimit: give back `cost` units that check.lua consumed moments ago from these buckets, because
-- a later rule blocked the same request. Arguments as for check.lua. Units consumed in a window that
-- has ended since are not given back.

-- `cost` and `now` (microseconds) come from clock.lua, which the backend puts in front of this script.

local floor, fmod, max = math.floor, math.fmod, math.max

for i = 1, #KEYS do
    local key, alg = KEYS[i], ARGV[3 * i]
    local limit, win = tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2]) * 1000
    if alg == 'log' then
        -- the newest units are the ones just consumed: take them from the newest entries
        local left = cost
        while left > 0 do
            local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
            if not newest[1] then
                break
            end
            local start, before, after = string.match(newest[1], '^(%d+):(%d+):(%d+)$')
            before, after = tonumber(before), tonumber(after)
            local taken = math.min(left, after - before)
            redis.call('ZREM', key, newest[1])
            if after - taken > before then
                redis.call('ZADD', key, newest[2], start .. ':' .. string.format('%d', before) .. ':'
                        .. string.format('%d', after - taken))
            end
            left = left - taken
        end
    elseif alg == 'fixed' or alg == 'counter' then
        local field = (alg == 'fixed') and 'n' or 'c'
        local h = redis.call('HMGET', key, 's', field)
        local s, c = tonumber(h[1]), tonumber(h[2])
        if s ~= nil and c ~= nil and s == now - fmod(now, win) then
            redis.call('HSET', key, field, max(0, c - cost))
        end
    else
        local h = redis.call('HMGET', key, 't', 'f')
        local tat, frac = tonumber(h[1]), tonumber(h[2]) or 0
        if tat ~= nil then
            local cf = cost * fmod(win, limit)
            local part = fmod(cf, limit)
            local borrow = (frac < part) and 1 or 0
            tat = tat - cost * floor(win / limit) - floor(cf / limit) - borrow
            frac = frac - part + borrow * limit
            if tat < now or (tat == now and frac == 0) then
                redis.call('DEL', key) -- no debt left: a full bucket
            else
                redis.call('HSET', key, 't', string.format('%d', tat), 'f', string.format('%d', frac))
            end
        end
    end
end
return {1} -- a list, like the check script's answer: both are read as one
