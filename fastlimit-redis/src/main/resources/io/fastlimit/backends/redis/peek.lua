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
-- reads as full. Phase 1 is read.lua, the same file check.lua runs first, so the two cannot disagree
-- on a state or on a blocked answer.

-- The backend puts clock.lua (`cost`, `now` in microseconds) and then read.lua in front of this
-- script: read.lua reads every bucket and returns the blocked answer itself; what follows runs only
-- when a cost-1 request would pass.

-- Would pass: the bucket with the fewest units free, then whole last.
local tight = 1
for i = 2, n do
    if avail[i] < avail[tight] or (avail[i] == avail[tight] and reset[i] > reset[tight]) then
        tight = i
    end
end
return {1, tonumber(ARGV[3 * tight + 1]), avail[tight], ceil(reset[tight] / 1000), 0, tight - 1}
