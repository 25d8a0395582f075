package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random traffic on a moved clock, sent to the memory backend and to Redis alike (standalone and
 * cluster): one rate and several, costs, refunds, resets, and sliding logs both exact and coalesced.
 * Every field of every answer must match, step by step. The memory backend is itself checked
 * against naive models ({@code MemoryBackendModelTest}), so this pins Redis to those models too.
 * The clock only moves forward here: how each backend treats a clock that steps back is covered by
 * the contract suite.
 */
class RedisAgreesWithMemoryTest {

    @RegisterExtension
    static final RedisExtension standalone = RedisExtension.standalone();
    @RegisterExtension
    static final RedisExtension cluster = RedisExtension.cluster();

    private static final int RUNS = 12;
    private static final int STEPS = 150;
    private static final String[] KEYS = {"agree:rule:ip:{198.51.100.1}", "agree:rule:ip:{198.51.100.2}",
            "agree:rule:user:{alice}"};

    private static RedisBackend standaloneClient;
    private static RedisBackend clusterClient;

    @BeforeAll
    static void connect() {
        standaloneClient = RedisBackend.fromUrl(standalone.url());
        clusterClient = RedisBackend.fromUrl(cluster.url());
    }

    @AfterAll
    static void disconnect() {
        standaloneClient.close();
        clusterClient.close();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void standaloneRedisAnswersAsMemoryDoes(Algorithm algorithm) {
        compareRuns(standaloneClient, algorithm, new Random(7 + algorithm.ordinal()));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void clusterAnswersAsMemoryDoes(Algorithm algorithm) {
        compareRuns(clusterClient, algorithm, new Random(77 + algorithm.ordinal()));
    }

    private static void compareRuns(RedisBackend connection, Algorithm algorithm, Random random) {
        for (int run = 0; run < RUNS; run++) {
            ManualClock clock = new ManualClock(ManualClock.DEFAULT_START_MS + random.nextInt(1000));
            Backend memory = MemoryBackend.builder().clock(clock).build();
            RedisBackend redis = RedisBackend.builder().client(connection.client()).testClock(clock).keyPrefix("agree").build();
            redis.clearAll();
            // two rules of one key, one rate and two, with no rate in common: Redis keys a bucket by its
            // rate, the memory backend a key's state by its whole list of rates
            List<List<BucketConfig>> ruleBuckets = List.of(randomBuckets(random, algorithm, new long[] {1_000, 2_500}, 1),
                    randomBuckets(random, algorithm, new long[] {10_000, 60_000}, 2));
            java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
            for (int step = 0; step < STEPS; step++) {
                String key = KEYS[random.nextInt(KEYS.length)];
                List<BucketConfig> buckets = ruleBuckets.get(random.nextInt(ruleBuckets.size()));
                long smallestLimit = buckets.stream().mapToLong(BucketConfig::limit).min().orElseThrow();
                int cost = random.nextInt(4) == 0 ? 1 + random.nextInt((int) Math.min(smallestLimit, 50)) : 1;
                String where = "run " + run + " step " + step + " " + key + " " + buckets + " cost " + cost
                        + " at +" + (clock.millis() - ManualClock.DEFAULT_START_MS) + " ms";

                BackendResult expected = memory.checkAndIncrement(key, buckets, cost);
                BackendResult actual = redis.checkAndIncrement(key, buckets, cost);
                assertThat(actual).as(where + " after " + recent).isEqualTo(expected);
                recent.addLast(where + " -> " + expected);
                if (recent.size() > 4) {
                    recent.removeFirst();
                }

                int action = random.nextInt(20);
                if (action == 0 && expected.allowed()) {
                    int refund = 1 + random.nextInt(cost);
                    recent.addLast("refund " + refund);
                    memory.refund(key, buckets, refund);
                    redis.refund(key, buckets, refund);
                } else if (action == 1) {
                    recent.addLast("reset");
                    memory.reset(key, buckets);
                    redis.reset(key, buckets);
                }
                int move = random.nextInt(10);
                long windowMs = buckets.get(0).windowMillis();
                if (move < 3) {
                    continue; // the same millisecond
                } else if (move < 8) {
                    clock.advanceMillis(1 + random.nextInt((int) Math.max(1, windowMs / 5)));
                } else {
                    clock.advanceMillis(random.nextInt((int) (2 * windowMs + 1)));
                }
            }
        }
    }

    /** {@code count} rates of the windows {@code windowsMs}, sometimes above the sliding log's exact limit. */
    private static List<BucketConfig> randomBuckets(Random random, Algorithm algorithm, long[] windowsMs, int count) {
        List<BucketConfig> buckets = new ArrayList<>();
        int first = random.nextInt(windowsMs.length - count + 1);
        for (int i = 0; i < count; i++) {
            long limit = random.nextInt(5) == 0 ? 1_000 + random.nextInt(3_000) : 1 + random.nextInt(20);
            buckets.add(new BucketConfig(limit, Duration.ofMillis(windowsMs[first + i]), algorithm));
        }
        return List.copyOf(buckets);
    }
}
