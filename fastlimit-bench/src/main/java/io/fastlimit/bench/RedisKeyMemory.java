package io.fastlimit.bench;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.ManualClock;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

import java.util.List;

/**
 * The bytes one full bucket key costs Redis, by {@code MEMORY USAGE}, for each algorithm at limits of
 * 100, 10,000 and 100,000 per minute: the table of docs/backends.md.
 *
 * <pre>
 * java -cp fastlimit-bench/target/benchmarks.jar io.fastlimit.bench.RedisKeyMemory redis://127.0.0.1:6379
 * </pre>
 *
 * A key is filled the way that makes it largest: requests spread over the whole window, as many
 * distinct times as the key keeps apart (one per millisecond up to 1,000 per window, one per slot of
 * window / 1000 above), until the limit is reached.
 */
public final class RedisKeyMemory {

    private static final long WINDOW_MS = 60_000;

    private RedisKeyMemory() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        long[] limits = {100, 10_000, 100_000};
        System.out.printf("%-24s %12s %12s %12s%n", "bytes per full key", "100/min", "10000/min", "100000/min");
        try (RedisBackend owner = RedisBackend.fromUrl(url, "memory-probe")) {
            for (Algorithm algorithm : Algorithm.values()) {
                StringBuilder row = new StringBuilder(String.format("%-24s", algorithm));
                for (long limit : limits) {
                    row.append(String.format(" %12d", fullKeyBytes(owner, algorithm, limit)));
                }
                System.out.println(row);
            }
            owner.clearAll();
        }
    }

    private static long fullKeyBytes(RedisBackend owner, Algorithm algorithm, long limit) {
        ManualClock clock = new ManualClock();
        RedisBackend backend = RedisBackend.builder().client(owner.client()).testClock(clock).keyPrefix("memory-probe").build();
        BucketConfig bucket = new BucketConfig(limit, java.time.Duration.ofMillis(WINDOW_MS), algorithm);
        String key = "memory-probe:rule:ip:{" + algorithm + "-" + limit + "}";
        long times = Math.min(limit, BucketConfig.SLIDING_LOG_EXACT_LIMIT); // distinct entries the log keeps
        int cost = (int) (limit / times);
        long stepMs = Math.max(1, (WINDOW_MS - 1) / times);
        for (long i = 0; i < times; i++) {
            backend.checkAndIncrement(key, List.of(bucket), cost);
            clock.advanceMillis(stepMs);
        }
        String redisKey = key + ":" + limit + "/" + WINDOW_MS + "ms:" + switch (algorithm) {
            case SLIDING_WINDOW -> "log";
            case FIXED_WINDOW -> "fixed";
            case TOKEN_BUCKET -> "token";
            case SLIDING_WINDOW_COUNTER -> "counter";
        };
        RScript script = owner.client().getScript(StringCodec.INSTANCE);
        Object bytes = script.eval(redisKey, RScript.Mode.READ_ONLY,
                "return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', 0)", RScript.ReturnType.INTEGER, List.of(redisKey));
        return bytes == null ? -1 : ((Number) bytes).longValue();
    }
}
