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
        assertThatThrownBy(() -> MemoryBackend.builder().clock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock");
        assertThat(MemoryBackend.builder().maxKeys(1).clock(clock).build().size()).isZero();
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
        assertThat(backend.size()).isGreaterThanOrEqualTo((int) (1000 * MemoryBackend.LOW_WATER));
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
        backend.checkAndIncrement("test:rule:ip:{new}", perHour, 1);
        assertThat(backend.size()).isEqualTo(401);
        for (int i = 0; i < 400; i++) {
            assertThat(backend.checkAndIncrement("test:rule:ip:{live-" + i + "}", perHour, 1).allowed()).isFalse();
        }
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
        assertThat(blocked).isEqualTo(atT0);
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
    void aKeyCanMoveBetweenOneRateAndSeveral() {
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        String key = "test:rule:ip:{1.2.3.4}";
        BucketConfig perMinute = bucket("5/min", Algorithm.TOKEN_BUCKET);
        backend.checkAndIncrement(key, perMinute, 5);
        List<BucketConfig> two = List.of(perMinute, bucket("100/hour", Algorithm.TOKEN_BUCKET));
        assertThat(backend.checkAndIncrement(key, two, 1).remaining()).as("a fresh state").isEqualTo(4);
        assertThat(backend.checkAndIncrement(key, two, 4).remaining()).isZero();
        assertThat(backend.checkAndIncrement(key, perMinute, 1).remaining()).as("a fresh state").isEqualTo(4);
        assertThat(backend.size()).isEqualTo(1);
    }

    private static BucketConfig bucket(String rate, Algorithm algorithm) {
        return BucketConfig.of(Rate.parse(rate).get(0), algorithm);
    }
}
