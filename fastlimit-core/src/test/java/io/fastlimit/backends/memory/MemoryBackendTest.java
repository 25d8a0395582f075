package io.fastlimit.backends.memory;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link MemoryBackend} does beyond the backend contract: memory bounds, builder, clock. */
class MemoryBackendTest {

    private static final long T0 = ManualClock.DEFAULT_START_MS;

    private final ManualClock clock = new ManualClock(T0);

    @Test
    void worksWithDefaults() {
        MemoryBackend backend = new MemoryBackend();
        BackendResult result = backend.checkAndIncrement("test:rule:ip:{1.2.3.4}", bucket("5/min", Algorithm.SLIDING_WINDOW), 1);
        assertThat(result.allowed()).isTrue();
        assertThat(result.remaining()).isEqualTo(4);
        assertThat(backend.size()).isEqualTo(1);
        backend.close();
        assertThat(backend.size()).isZero();
        assertThat(backend.checkAndIncrement("test:rule:ip:{1.2.3.4}", bucket("5/min", Algorithm.SLIDING_WINDOW), 1)
                .remaining()).as("usable after close, empty").isEqualTo(4);
    }

    @Test
    void builderRejectsBadSettingsNamingTheValue() {
        assertThatThrownBy(() -> MemoryBackend.builder().maxKeys(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid maxKeys 0: expected 1 or more");
        assertThatThrownBy(() -> MemoryBackend.builder().maxKeys(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> MemoryBackend.builder().maxBytes(65_535))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid maxBytes 65535: expected 65536 (64 KiB) or more");
        assertThatThrownBy(() -> MemoryBackend.builder().clock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock");
        assertThat(MemoryBackend.builder().maxKeys(1).maxBytes(MemoryBackend.MIN_MAX_BYTES).clock(clock).build().size())
                .isZero();
    }

    @Test
    void theDefaultByteBudgetIsAQuarterOfTheHeapUpTo64MiB() {
        long expected = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 4);
        assertThat(new MemoryBackend().maxBytes()).isEqualTo(Math.max(MemoryBackend.MIN_MAX_BYTES, expected));
        assertThat(MemoryBackend.builder().build().maxBytes()).isEqualTo(new MemoryBackend().maxBytes());
        assertThat(MemoryBackend.builder().maxBytes(1L << 30).build().maxBytes()).isEqualTo(1L << 30);
    }

    // ---------------------------------------------------------------- reclaiming idle keys

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void sweepReclaimsIdleKeysNeverSeenAgain(Algorithm algorithm) {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        BucketConfig perSecond = bucket("1/s", algorithm);
        int keys = 1000;
        for (int i = 0; i < keys; i++) {
            backend.checkAndIncrement("test:rule:ip:{10.0.0." + i + "}", perSecond, 1);
        }
        assertThat(backend.size()).isEqualTo(keys);

        // Every window involved has passed, and a sweep is due; only requests on another key follow.
        clock.advanceMillis(2000 + MemoryBackend.SWEEP_INTERVAL_MS);
        int steps = keys / MemoryBackend.SWEEP_BATCH + 2;
        for (int i = 0; i < steps; i++) {
            backend.checkAndIncrement("test:rule:ip:{192.0.2.1}", bucket("100/s", algorithm), 1);
            clock.advanceMillis(1); // one sweep step per clock millisecond at most
        }
        assertThat(backend.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void sweepKeepsKeysThatStillCount(Algorithm algorithm) {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        BucketConfig perHour = bucket("1/hour", algorithm);
        for (int i = 0; i < 300; i++) {
            backend.checkAndIncrement("test:rule:ip:{10.0.0." + i + "}", perHour, 1);
        }
        clock.advanceMillis(2 * MemoryBackend.SWEEP_INTERVAL_MS);
        for (int i = 0; i < 10; i++) {
            backend.checkAndIncrement("test:rule:ip:{192.0.2.1}", perHour, 1);
            clock.advanceMillis(1);
        }
        assertThat(backend.size()).isEqualTo(301);
        for (int i = 0; i < 300; i++) {
            assertThat(backend.checkAndIncrement("test:rule:ip:{10.0.0." + i + "}", perHour, 1).allowed()).isFalse();
        }
    }

    // ---------------------------------------------------------------- the bound on keys

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void maxKeysHoldsUnderAFloodOfDistinctKeys(Algorithm algorithm) {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(1000).build();
        BucketConfig perHour = bucket("5/hour", algorithm);
        String attacker = "test:rule:ip:{203.0.113.66}";
        backend.checkAndIncrement(attacker, perHour, 5);
        for (int i = 0; i < 50_000; i++) {
            backend.checkAndIncrement("test:rule:ip:{flood-" + i + "}", perHour, 1);
            assertThat(backend.size()).isLessThanOrEqualTo(1000);
            if (i % 10 == 0) {
                clock.advanceMillis(1);
                // The key in constant use is the last to be evicted: its limit holds through the flood.
                assertThat(backend.checkAndIncrement(attacker, perHour, 1).allowed()).as("after %d keys", i).isFalse();
            }
        }
        assertThat(backend.size()).as("one key evicted per key inserted, none in bulk").isEqualTo(1000);
    }

    @Test
    void maxKeysHoldsWhileManyThreadsInsert() throws Exception {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(1000).build();
        BucketConfig perHour = bucket("5/hour", Algorithm.FIXED_WINDOW);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> largest = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                largest.add(pool.submit(() -> {
                    start.await();
                    int max = 0;
                    for (int i = 0; i < 10_000; i++) {
                        backend.checkAndIncrement("test:rule:ip:{t" + thread + "-" + i + "}", perHour, 1);
                        max = Math.max(max, backend.size());
                    }
                    return max;
                }));
            }
            start.countDown();
            for (Future<Integer> max : largest) {
                assertThat(max.get(30, TimeUnit.SECONDS)).isLessThanOrEqualTo(1000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.size()).isLessThanOrEqualTo(1000);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aFullBackendDropsIdleKeysBeforeLiveOnes(Algorithm algorithm) {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(1000).build();
        for (int i = 0; i < 600; i++) {
            backend.checkAndIncrement("test:rule:ip:{idle-" + i + "}", bucket("1/100ms", algorithm), 1);
        }
        BucketConfig perHour = bucket("1/hour", algorithm);
        for (int i = 0; i < 400; i++) {
            backend.checkAndIncrement("test:rule:ip:{live-" + i + "}", perHour, 1);
        }
        assertThat(backend.size()).isEqualTo(1000);
        assertThat(MemoryBackend.SWEEP_INTERVAL_MS).as("no sweep is due in what follows").isGreaterThan(300);
        clock.advanceMillis(300); // the 100 ms keys are idle now
        for (int i = 0; i < 200; i++) {
            backend.checkAndIncrement("test:rule:ip:{new-" + i + "}", perHour, 1);
        }
        assertThat(backend.size()).isBetween(600, 1000);
        for (int i = 0; i < 400; i++) {
            assertThat(backend.stateOf("test:rule:ip:{live-" + i + "}")).as("live key %d", i).isNotNull();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(backend.stateOf("test:rule:ip:{new-" + i + "}")).as("new key %d", i).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aFullBackendEvictsOneKeyPerNewKeyAmongTheLeastRecentlyUsed(Algorithm algorithm) {
        int maxKeys = 1000;
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(maxKeys).build();
        BucketConfig perHour = bucket("5/hour", algorithm);
        for (int i = 0; i < maxKeys; i++) {
            backend.checkAndIncrement("test:rule:ip:{client-" + i + "}", perHour, 1); // client i last seen at T0 + i
            clock.advanceMillis(1);
        }
        int newKeys = 100;
        for (int k = 0; k < newKeys; k++) {
            backend.checkAndIncrement("test:rule:ip:{newcomer-" + k + "}", perHour, 1);
            clock.advanceMillis(1);
            assertThat(backend.size()).as("after %d new keys", k + 1).isEqualTo(maxKeys);
        }
        List<Integer> evicted = new ArrayList<>();
        for (int i = 0; i < maxKeys; i++) {
            if (backend.stateOf("test:rule:ip:{client-" + i + "}") == null) {
                evicted.add(i);
            }
        }
        assertThat(evicted).as("as many evicted as inserted, not a share of maxKeys").hasSize(newKeys);
        // Sampling 16 keys per eviction: each evicted key is the least recently used of its sample, so
        // among the oldest half but with probability 2^-16, and on average about the oldest 1/17th.
        assertThat(evicted).allSatisfy(i -> assertThat(i).isLessThan(maxKeys / 2));
        assertThat(evicted.stream().mapToInt(Integer::intValue).average().orElseThrow())
                .isLessThan(maxKeys / 8.0);
    }
    @Test
    void aBackendOfOneKeyKeepsTheLatest() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(1).build();
        BucketConfig bucket = bucket("1/hour", Algorithm.FIXED_WINDOW);
        backend.checkAndIncrement("test:rule:ip:{1.1.1.1}", bucket, 1);
        backend.checkAndIncrement("test:rule:ip:{2.2.2.2}", bucket, 1);
        assertThat(backend.size()).isEqualTo(1);
        assertThat(backend.checkAndIncrement("test:rule:ip:{2.2.2.2}", bucket, 1).allowed()).isFalse();
    }

    // ---------------------------------------------------------------- the bound on bytes

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void eachKeyIsAccountedAsItsEntryAndState(Algorithm algorithm) {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        String key = "test:rule:ip:{203.0.113.7}"; // 26 characters: a 72-byte String
        backend.checkAndIncrement(key, bucket("5/min", algorithm), 1);
        long stateBytes = switch (algorithm) {
            case SLIDING_WINDOW -> 56 + 48 + 32; // the log and its first 4 entries
            case FIXED_WINDOW -> 40;
            case TOKEN_BUCKET -> 64;
            case SLIDING_WINDOW_COUNTER -> 48;
        };
        assertThat(backend.bytesHeld()).isEqualTo(ByteBudget.MAP_ENTRY_BYTES + 72 + stateBytes);
        backend.reset(key);
        assertThat(backend.bytesHeld()).isZero();
        backend.checkAndIncrement(key, List.of(bucket("5/min", algorithm), bucket("50/hour", algorithm)), 1);
        assertThat(backend.bytesHeld()).as("a MultiBucket of two")
                .isEqualTo(ByteBudget.MAP_ENTRY_BYTES + 72 + 32 + 24 + 2 * stateBytes);
    }

    /** Random checks, refunds, changed rates, resets and sweeps: the count always matches a recount. */
    @Test
    void bytesHeldMatchesARecountThroughEveryOperation() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(50).maxBytes(100_000).build();
        Random random = new Random(7);
        List<List<BucketConfig>> shapes = List.of(
                List.of(bucket("2000/2s", Algorithm.SLIDING_WINDOW)),
                List.of(bucket("300/s", Algorithm.SLIDING_WINDOW)),
                List.of(bucket("3000/min", Algorithm.SLIDING_WINDOW), bucket("20/s", Algorithm.TOKEN_BUCKET)),
                List.of(bucket("10/s", Algorithm.FIXED_WINDOW)),
                List.of(bucket("10/s", Algorithm.SLIDING_WINDOW_COUNTER), bucket("100/min", Algorithm.SLIDING_WINDOW)));
        for (int step = 0; step < 20_000; step++) {
            String key = "test:rule:ip:{k" + random.nextInt(80) + "}";
            List<BucketConfig> buckets = shapes.get(random.nextInt(shapes.size()));
            int op = random.nextInt(100);
            if (op < 85) {
                backend.checkAndIncrement(key, buckets, 1 + random.nextInt(10));
            } else if (op < 95) {
                backend.refund(key, buckets, 1 + random.nextInt(10));
            } else {
                backend.reset(key);
            }
            if (random.nextInt(3) == 0) {
                clock.advanceMillis(random.nextInt(20) == 0 ? random.nextInt(5000) : random.nextInt(4));
            }
            assertThat(backend.bytesHeld()).as("step %d", step).isEqualTo(backend.countBytes())
                    .isLessThanOrEqualTo(100_000);
            assertThat(backend.size()).isLessThanOrEqualTo(50);
        }
        backend.clearAll();
        assertThat(backend.bytesHeld()).isZero();
    }

    @Test
    void aGrowingLogMakesRoomByEvictingOtherKeysNotItself() {
        long maxBytes = MemoryBackend.MIN_MAX_BYTES;
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxBytes(maxBytes).build();
        BucketConfig small = bucket("5/hour", Algorithm.FIXED_WINDOW);
        for (int i = 0; i < 2000; i++) {
            backend.checkAndIncrement("test:rule:ip:{small-" + i + "}", small, 1);
        }
        int smallKeys = backend.size();
        assertThat(backend.bytesHeld()).isGreaterThan(maxBytes - 200).isLessThanOrEqualTo(maxBytes);

        // one request per ms for a window: the log grows to its bound of 1001 slots of 2 ms
        String busy = "test:rule:ip:{busy}";
        BucketConfig big = bucket("2000/2s", Algorithm.SLIDING_WINDOW);
        for (int ms = 0; ms < 2000; ms++) {
            assertThat(backend.checkAndIncrement(busy, big, 1).remaining()).as("at +%d ms", ms).isEqualTo(1999 - ms);
            assertThat(backend.bytesHeld()).isLessThanOrEqualTo(maxBytes);
            clock.advanceMillis(1);
        }
        SlidingWindowLog log = (SlidingWindowLog) backend.stateOf(busy);
        assertThat(log.entries()).isEqualTo(1000);
        assertThat(log.capacity()).isEqualTo(1001);
        assertThat(backend.checkAndIncrement(busy, big, 1).allowed()).as("its count survived every eviction").isFalse();
        // what the log took, ~16 KB, evicted about as many small keys as that many bytes hold
        long smallKeyBytes = ByteBudget.entryBytes("test:rule:ip:{small-1000}") + FixedWindow.BYTES;
        long evicted = smallKeys - (backend.size() - 1);
        assertThat(evicted * smallKeyBytes).isBetween(log.bytes(), log.bytes() + 20 * smallKeyBytes);
        assertThat(backend.bytesHeld()).isEqualTo(backend.countBytes());
    }

    @Test
    void aFloodOfDistinctKeysUnderTheByteBudgetKeepsBusyClientsCounted() {
        long maxBytes = MemoryBackend.MIN_MAX_BYTES;
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxBytes(maxBytes).build();
        BucketConfig perHour = bucket("5/hour", Algorithm.SLIDING_WINDOW);
        String attacker = "test:rule:ip:{203.0.113.66}";
        backend.checkAndIncrement(attacker, perHour, 5);
        for (int i = 0; i < 50_000; i++) {
            backend.checkAndIncrement("test:rule:ip:{flood-" + i + "}", perHour, 1);
            assertThat(backend.bytesHeld()).isLessThanOrEqualTo(maxBytes);
            if (i % 10 == 0) {
                clock.advanceMillis(1);
                assertThat(backend.checkAndIncrement(attacker, perHour, 1).allowed()).as("after %d keys", i).isFalse();
            }
        }
        assertThat(backend.bytesHeld()).isGreaterThan(maxBytes - 300);
        assertThat(backend.bytesHeld()).isEqualTo(backend.countBytes());
    }

    @Test
    void aKeyLargerThanTheWholeBudgetIsHeldAlone() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxBytes(MemoryBackend.MIN_MAX_BYTES).build();
        String huge = "test:rule:ip:{" + "x".repeat(70_000) + "}";
        BucketConfig bucket = bucket("3000/min", Algorithm.SLIDING_WINDOW);
        backend.checkAndIncrement("test:rule:ip:{1.2.3.4}", bucket, 1);
        for (int i = 0; i < 200; i++) {
            assertThat(backend.checkAndIncrement(huge, bucket, 1).remaining()).isEqualTo(2999 - i);
            clock.advanceMillis(60); // a new slot each time: the log grows, over budget
        }
        assertThat(backend.size()).isEqualTo(1);
        assertThat(backend.bytesHeld()).isGreaterThan(MemoryBackend.MIN_MAX_BYTES).isEqualTo(backend.countBytes());
        backend.checkAndIncrement("test:rule:ip:{1.2.3.4}", bucket, 1);
        assertThat(backend.size()).as("the next key evicts it").isEqualTo(1);
        assertThat(backend.bytesHeld()).isLessThanOrEqualTo(MemoryBackend.MIN_MAX_BYTES);
    }

    @Test
    void bothBoundsHoldWhileManyThreadsInsertAndGrowLogs() throws Exception {
        long maxBytes = 256 << 10;
        MemoryBackend backend = MemoryBackend.builder().clock(clock).maxKeys(2000).maxBytes(maxBytes).build();
        BucketConfig big = bucket("5000/min", Algorithm.SLIDING_WINDOW); // slots of 60 ms
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<long[]>> largest = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                largest.add(pool.submit(() -> {
                    start.await();
                    long maxHeld = 0;
                    long maxSize = 0;
                    for (int i = 0; i < 20_000; i++) {
                        // a few busy keys whose logs grow, and a stream of new ones
                        String key = i % 2 == 0 ? "test:rule:ip:{t" + thread + "-busy" + (i % 40) + "}"
                                : "test:rule:ip:{t" + thread + "-" + i + "}";
                        backend.checkAndIncrement(key, big, 1);
                        if (i % 100 == 0) {
                            clock.advanceMillis(61);
                        }
                        maxHeld = Math.max(maxHeld, backend.bytesHeld());
                        maxSize = Math.max(maxSize, backend.size());
                    }
                    return new long[] {maxHeld, maxSize};
                }));
            }
            start.countDown();
            for (Future<long[]> max : largest) {
                long[] seen = max.get(60, TimeUnit.SECONDS);
                assertThat(seen[0]).isLessThanOrEqualTo(maxBytes);
                assertThat(seen[1]).isLessThanOrEqualTo(2000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.bytesHeld()).isEqualTo(backend.countBytes()).isLessThanOrEqualTo(maxBytes);
        backend.clearAll();
        assertThat(backend.bytesHeld()).isZero();
    }

    // ---------------------------------------------------------------- time

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aClockSteppingBackTreatsTheKeyAsIfNoTimeHadPassed(Algorithm algorithm) {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        BucketConfig bucket = bucket("5/s", algorithm);
        String key = "test:rule:ip:{1.2.3.4}";
        for (int i = 0; i < 3; i++) {
            backend.checkAndIncrement(key, bucket, 1);
        }
        BackendResult atT0 = copyOfNextBlocked(bucket);

        clock.set(T0 - 3_600_000);
        assertThat(backend.checkAndIncrement(key, bucket, 1).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement(key, bucket, 1).remaining()).isZero();
        BackendResult blocked = backend.checkAndIncrement(key, bucket, 1);
        assertThat(blocked).as("as at T0, the wait told on the clock, an hour behind the key")
                .isEqualTo(new BackendResult(false, atT0.limit(), atT0.remaining(), atT0.resetMs(), atT0.retryAfterMs() + 3_600_000,
                        atT0.bucketIndex()));
        // a key first seen in the past works as usual
        assertThat(backend.checkAndIncrement("test:rule:ip:{5.6.7.8}", bucket, 1).remaining()).isEqualTo(4);

        clock.set(T0 + 10_000);
        for (int i = 0; i < 5; i++) {
            assertThat(backend.checkAndIncrement(key, bucket, 1).allowed()).isTrue();
        }
    }

    /** The blocked result after 5 requests at T0 on a backend of its own. */
    private static BackendResult copyOfNextBlocked(BucketConfig bucket) {
        MemoryBackend reference = MemoryBackend.builder().clock(new ManualClock(T0)).build();
        reference.checkAndIncrement("k", bucket, 5);
        return reference.checkAndIncrement("k", bucket, 1);
    }

    // ---------------------------------------------------------------- extreme rates

    @Test
    void tokenBucketIsExactAtTheLargestLimitAndWindow() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        BucketConfig bucket = new BucketConfig(1_000_000_000, Rate.MAX_WINDOW, Algorithm.TOKEN_BUCKET);
        long windowMs = Rate.MAX_WINDOW.toMillis();
        String key = "test:rule:ip:{1.2.3.4}";
        BackendResult all = backend.checkAndIncrement(key, bucket, 1_000_000_000);
        assertThat(all.remaining()).isZero();
        assertThat(all.resetMs()).isEqualTo(T0 + windowMs);
        // one token per 31.6224 ms
        assertThat(backend.checkAndIncrement(key, bucket, 1).retryAfterMs()).isEqualTo(32);
        clock.advanceMillis(31);
        assertThat(backend.checkAndIncrement(key, bucket, 1).retryAfterMs()).isEqualTo(1);
        clock.advanceMillis(1);
        BackendResult one = backend.checkAndIncrement(key, bucket, 1);
        assertThat(one.allowed()).isTrue();
        assertThat(one.remaining()).isZero();
        assertThat(one.resetMs()).isEqualTo(T0 + windowMs + 32);
        clock.advance(Duration.ofDays(1)); // 2_732_240.449... tokens
        assertThat(backend.checkAndIncrement(key, bucket, 1).remaining()).isEqualTo(2_732_239);
    }

    @Test
    void tokenBucketIsExactAtTheHighestRate() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        BucketConfig bucket = new BucketConfig(1_000_000_000, Duration.ofMillis(1), Algorithm.TOKEN_BUCKET);
        String key = "test:rule:ip:{1.2.3.4}";
        assertThat(backend.checkAndIncrement(key, bucket, 1_000_000_000).remaining()).isZero();
        assertThat(backend.checkAndIncrement(key, bucket, 1).retryAfterMs()).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(backend.checkAndIncrement(key, bucket, 1).remaining()).isEqualTo(999_999_999);
    }

    @Test
    void slidingWindowCounterIsExactAtTheLargestLimitAndWindow() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        BucketConfig bucket = new BucketConfig(1_000_000_000, Rate.MAX_WINDOW, Algorithm.SLIDING_WINDOW_COUNTER);
        long windowMs = Rate.MAX_WINDOW.toMillis();
        long nextWindowMs = T0 - Math.floorMod(T0, windowMs) + windowMs;
        String key = "test:rule:ip:{1.2.3.4}";
        assertThat(backend.checkAndIncrement(key, bucket, 1_000_000_000).remaining()).isZero();
        // 10^9 * (W - e) / W + 1 <= 10^9 once e >= W / 10^9 = 31.6224 ms into the next window
        BackendResult blocked = backend.checkAndIncrement(key, bucket, 1);
        assertThat(blocked.retryAfterMs()).isEqualTo(nextWindowMs + 32 - T0);
        clock.set(nextWindowMs + 31);
        assertThat(backend.checkAndIncrement(key, bucket, 1).allowed()).isFalse();
        clock.set(nextWindowMs + 32);
        BackendResult one = backend.checkAndIncrement(key, bucket, 1);
        assertThat(one.allowed()).isTrue();
        assertThat(one.remaining()).isZero();
    }

    @Test
    void oneRateAndSeveralOnOneKeyAreCountedApart() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        String key = "test:rule:ip:{1.2.3.4}";
        BucketConfig perMinute = bucket("5/min", Algorithm.TOKEN_BUCKET);
        backend.checkAndIncrement(key, perMinute, 5);
        List<BucketConfig> two = List.of(perMinute, bucket("100/hour", Algorithm.TOKEN_BUCKET));
        assertThat(backend.checkAndIncrement(key, two, 1).remaining()).as("a state of its own").isEqualTo(4);
        assertThat(backend.checkAndIncrement(key, two, 4).remaining()).isZero();
        assertThat(backend.checkAndIncrement(key, perMinute, 1).allowed()).as("the first state kept its count").isFalse();
        assertThat(backend.size()).isEqualTo(2);

        clock.advanceMillis(3_600_000); // both idle: swept; the two rates come back in the other order
        backend.checkAndIncrement("test:rule:ip:{5.6.7.8}", perMinute, 1);
        assertThat(backend.checkAndIncrement(key, two, 5).remaining()).isZero();
        assertThat(backend.checkAndIncrement(key, perMinute, 2).remaining()).isEqualTo(3);
        assertThat(backend.checkAndIncrement(key, two, 1).allowed()).as("still its own count").isFalse();
    }

    private static BucketConfig bucket(String rate, Algorithm algorithm) {
        return BucketConfig.of(Rate.parse(rate).get(0), algorithm);
    }
}
