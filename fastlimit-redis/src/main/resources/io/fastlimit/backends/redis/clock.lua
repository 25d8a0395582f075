-- fastlimit: the start of every script. ARGV[1] is the cost; ARGV[2] the time in epoch ms to use
-- instead of the server's clock, or '' to read TIME (production): every application server then
-- agrees on Redis's clock. `now` is in microseconds, TIME's precision.

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

