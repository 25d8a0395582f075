-- fastlimit: forget the buckets KEYS of one key (they share its hash tag), in one call.
-- Returns {keys deleted}, a list like the other scripts' answers.
return {redis.call('DEL', unpack(KEYS))}
