package io.fastlimit.backends.memory;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares {@link MemoryBackend} with naive reference models of each algorithm on random traffic:
 * every field of every result must match, for the sliding log both exact (limits up to
 * {@link BucketConfig#SLIDING_LOG_EXACT_LIMIT}) and coalesced (above). The models recount from scratch, use BigInteger where
 * products grow, and find retryAfter by trying each following millisecond, so they share no
 * shortcut with the implementation.
 */
class MemoryBackendModelTest {

    private static final int RUNS = 60;
    private static final int STEPS = 200;
    private static final long[] WINDOWS_MS = {1, 2, 3, 7, 10, 100, 250, 1000};

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void oneRateMatchesTheModel(Algorithm algorithm) {
        Random random = new Random(42 + algorithm.ordinal());
        for (int run = 0; run < RUNS; run++) {
            compare(List.of(randomBucket(random, algorithm)), random, run);
        }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void severalRatesMatchTheModel(Algorithm algorithm) {
        Random random = new Random(4242 + algorithm.ordinal());
        for (int run = 0; run < RUNS; run++) {
            compare(List.of(randomBucket(random, algorithm), randomBucket(random, algorithm)), random, run);
        }
    }

    /** Windows over 1000 ms, so a limit over 1000 gives slots of 2 to 60 ms. */
    private static final long[] COALESCED_WINDOWS_MS = {1001, 2000, 2500, 7000, 10_000, 60_000};

    @Test
    void coalescedSlidingLogMatchesTheModel() {
        Random random = new Random(1000);
        for (int run = 0; run < RUNS; run++) {
            compareCoalesced(List.of(coalescedBucket(random)), random, run);
        }
    }

    @Test
    void severalCoalescedSlidingLogsMatchTheModel() {
        Random random = new Random(2000);
        for (int run = 0; run < RUNS; run++) {
            compareCoalesced(List.of(coalescedBucket(random), coalescedBucket(random)), random, run);
        }
    }

    private static BucketConfig coalescedBucket(Random random) {
        long windowMs = COALESCED_WINDOWS_MS[random.nextInt(COALESCED_WINDOWS_MS.length)];
        long limit = BucketConfig.SLIDING_LOG_EXACT_LIMIT + 1 + random.nextInt(300);
        return new BucketConfig(limit, Duration.ofMillis(windowMs), Algorithm.SLIDING_WINDOW);
    }

    /**
     * Like {@link #compare}, with traffic that fills a large limit in a window (small costs, steps of
     * about a slot, some bursts) and refunds of part of what was just admitted.
     */
    private static void compareCoalesced(List<BucketConfig> buckets, Random random, int run) {
        ManualClock clock = new ManualClock(ManualClock.DEFAULT_START_MS + random.nextInt(1000));
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        List<Model> models = new ArrayList<>();
        for (BucketConfig bucket : buckets) {
            models.add(model(bucket));
        }
        long limit = Math.min(buckets.get(0).limit(), buckets.get(buckets.size() - 1).limit());
        long windowMs = buckets.get(0).windowMillis();
        long slotMs = buckets.get(0).slidingLogSlotMillis();
        String key = "test:model:ip:{1.2.3.4}";
        long latestMs = Long.MIN_VALUE;
        for (int step = 0; step < STEPS; step++) {
            // about four times the limit per window, so the log fills and blocks
            int cost = random.nextInt(30) == 0 ? 1 + random.nextInt((int) limit)
                    : 1 + random.nextInt((int) Math.max(1, 8 * limit * Math.max(slotMs, windowMs / STEPS) / windowMs));
            BackendResult actual = backend.checkAndIncrement(key, buckets, cost);
            latestMs = Math.max(latestMs, clock.millis());
            BackendResult expected = expected(models, latestMs, clock.millis(), cost);
            assertThat(actual).as("run %d step %d %s cost %d at +%d ms", run, step, buckets, cost,
                    clock.millis() - ManualClock.DEFAULT_START_MS).isEqualTo(expected);
            if (actual.allowed() && random.nextInt(8) == 0) {
                int refund = 1 + random.nextInt(cost);
                backend.refund(key, buckets, refund);
                for (Model m : models) {
                    ((CoalescedLogModel) m).giveBack(latestMs, refund);
                }
            }
            int move = random.nextInt(20);
            if (move < 5) {
                continue; // same millisecond
            } else if (move < 16) {
                clock.advanceMillis(random.nextInt((int) (2 * slotMs + 1))); // within or past the slot
            } else if (move < 18) {
                clock.advanceMillis(random.nextInt((int) Math.max(1, windowMs / 4)));
            } else if (move < 19) {
                clock.advanceMillis(random.nextInt((int) (2 * windowMs)));
            } else {
                clock.advanceMillis(-random.nextInt(50)); // the clock steps back
            }
        }
    }

    private static BucketConfig randomBucket(Random random, Algorithm algorithm) {
        long windowMs = WINDOWS_MS[random.nextInt(WINDOWS_MS.length)];
        return new BucketConfig(1 + random.nextInt(12), Duration.ofMillis(windowMs), algorithm);
    }

    private static void compare(List<BucketConfig> buckets, Random random, int run) {
        ManualClock clock = new ManualClock(ManualClock.DEFAULT_START_MS + random.nextInt(1000));
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        List<Model> models = new ArrayList<>();
        for (BucketConfig bucket : buckets) {
            models.add(model(bucket));
        }
        long maxLimit = Long.MAX_VALUE;
        for (BucketConfig bucket : buckets) {
            maxLimit = Math.min(maxLimit, bucket.limit());
        }
        long latestMs = Long.MIN_VALUE;
        for (int step = 0; step < STEPS; step++) {
            int cost = 1 + random.nextInt((int) maxLimit);
            BackendResult actual = backend.checkAndIncrement("test:model:ip:{1.2.3.4}", buckets, cost);
            latestMs = Math.max(latestMs, clock.millis());
            BackendResult expected = expected(models, latestMs, clock.millis(), cost);
            assertThat(actual).as("run %d step %d %s cost %d at +%d ms", run, step, buckets, cost,
                    clock.millis() - ManualClock.DEFAULT_START_MS).isEqualTo(expected);
            int move = random.nextInt(10);
            long windowMs = buckets.get(0).windowMillis();
            if (move < 4) {
                continue; // same millisecond
            } else if (move < 8) {
                clock.advanceMillis(1 + random.nextInt((int) Math.max(1, windowMs / 4)));
            } else if (move < 9) {
                clock.advanceMillis(random.nextInt((int) (2 * windowMs + 2)));
            } else {
                clock.advanceMillis(-random.nextInt(50)); // the clock steps back
            }
        }
    }

    /**
     * What the backend should answer at the key's time {@code nowMs}, applying the request to the
     * models; a wait is told on the clock, {@code clockMs}, which may lag the key's time after it
     * stepped back.
     */
    private static BackendResult expected(List<Model> models, long nowMs, long clockMs, int cost) {
        Model worst = null;
        long worstWait = 0;
        for (Model m : models) {
            long wait = m.retryAfterMs(nowMs, cost);
            if (wait == 0) {
                continue;
            }
            if (worst == null || wait > worstWait
                    || (wait == worstWait && (m.available(nowMs) < worst.available(nowMs)
                    || (m.available(nowMs) == worst.available(nowMs) && m.resetMs(nowMs) > worst.resetMs(nowMs))))) {
                worst = m;
                worstWait = wait;
            }
        }
        if (worst != null) {
            return new BackendResult(false, worst.limit, worst.available(nowMs), worst.resetMs(nowMs),
                    worstWait + (nowMs - clockMs), models.indexOf(worst));
        }
        Model tightest = null;
        for (Model m : models) {
            m.consume(nowMs, cost);
        }
        for (Model m : models) {
            if (tightest == null || m.available(nowMs) < tightest.available(nowMs)
                    || (m.available(nowMs) == tightest.available(nowMs) && m.resetMs(nowMs) > tightest.resetMs(nowMs))) {
                tightest = m;
            }
        }
        return new BackendResult(true, tightest.limit, tightest.available(nowMs), tightest.resetMs(nowMs), 0,
                models.indexOf(tightest));
    }

    private static Model model(BucketConfig bucket) {
        long limit = bucket.limit();
        long windowMs = bucket.windowMillis();
        switch (bucket.algorithm()) {
            case SLIDING_WINDOW:
                return limit > BucketConfig.SLIDING_LOG_EXACT_LIMIT
                        ? new CoalescedLogModel(limit, windowMs, bucket.slidingLogSlotMillis())
                        : new SlidingLogModel(limit, windowMs);
            case FIXED_WINDOW:
                return new FixedWindowModel(limit, windowMs);
            case TOKEN_BUCKET:
                return new TokenBucketModel(limit, windowMs);
            default:
                return new CounterModel(limit, windowMs);
        }
    }

    private abstract static class Model {
        final long limit;
        final long windowMs;

        Model(long limit, long windowMs) {
            this.limit = limit;
            this.windowMs = windowMs;
        }

        abstract boolean fits(long atMs, int cost);

        abstract long available(long nowMs);

        abstract void consume(long nowMs, int cost);

        abstract long resetMs(long nowMs);

        /** The first millisecond from now at which the cost fits, found by trying each. */
        long retryAfterMs(long nowMs, int cost) {
            for (long waitMs = 0; waitMs <= 3 * windowMs; waitMs++) {
                if (fits(nowMs + waitMs, cost)) {
                    return waitMs;
                }
            }
            throw new AssertionError("never fits");
        }
    }

    /** Every admitted request with its time. */
    private static final class SlidingLogModel extends Model {
        private final List<long[]> log = new ArrayList<>();

        SlidingLogModel(long limit, long windowMs) {
            super(limit, windowMs);
        }

        private long unitsAt(long atMs) {
            long units = 0;
            for (long[] entry : log) {
                if (entry[0] > atMs - windowMs && entry[0] <= atMs) {
                    units += entry[1];
                }
            }
            return units;
        }

        @Override
        boolean fits(long atMs, int cost) {
            return unitsAt(atMs) + cost <= limit;
        }

        @Override
        long available(long nowMs) {
            return limit - unitsAt(nowMs);
        }

        @Override
        void consume(long nowMs, int cost) {
            log.add(new long[] {nowMs, cost});
        }

        @Override
        long resetMs(long nowMs) {
            return unitsAt(nowMs) == 0 ? nowMs : log.get(log.size() - 1)[0] + windowMs;
        }
    }

    /**
     * The log above the exact limit, as BucketConfig.SLIDING_LOG_EXACT_LIMIT states it: entries of
     * (start, stamp, units), units joining the newest entry within a slot of its start, every unit of
     * an entry counted until its stamp + window. Kept whole (nothing dropped) and recounted each time.
     */
    private static final class CoalescedLogModel extends Model {
        private final long slotMs;
        private final List<long[]> entries = new ArrayList<>(); // {startMs, stampMs, units}

        CoalescedLogModel(long limit, long windowMs, long slotMs) {
            super(limit, windowMs);
            this.slotMs = slotMs;
        }

        private long unitsAt(long atMs) {
            long units = 0;
            for (long[] entry : entries) {
                if (entry[1] > atMs - windowMs && entry[1] <= atMs) {
                    units += entry[2];
                }
            }
            return units;
        }

        @Override
        boolean fits(long atMs, int cost) {
            return unitsAt(atMs) + cost <= limit;
        }

        @Override
        long available(long nowMs) {
            return limit - unitsAt(nowMs);
        }

        @Override
        void consume(long nowMs, int cost) {
            long[] newest = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (newest != null && nowMs < newest[0] + slotMs) {
                newest[1] = nowMs;
                newest[2] += cost;
            } else {
                entries.add(new long[] {nowMs, nowMs, cost});
            }
        }

        /** Takes units from the newest entries still in the window; drops those left empty. */
        void giveBack(long nowMs, long cost) {
            while (cost > 0 && !entries.isEmpty()) {
                long[] newest = entries.get(entries.size() - 1);
                if (newest[1] <= nowMs - windowMs) {
                    return; // out of the window: nothing of it is counted
                }
                long taken = Math.min(cost, newest[2]);
                newest[2] -= taken;
                cost -= taken;
                if (newest[2] == 0) {
                    entries.remove(entries.size() - 1);
                }
            }
        }

        @Override
        long resetMs(long nowMs) {
            return unitsAt(nowMs) == 0 ? nowMs : entries.get(entries.size() - 1)[1] + windowMs;
        }

        /**
         * Binary search rather than a try per millisecond (windows here reach a minute): with nothing
         * admitted meanwhile the units counted only fall as time passes, so once the cost fits it fits.
         */
        @Override
        long retryAfterMs(long nowMs, int cost) {
            long low = 0;
            long high = windowMs + slotMs; // every unit has left by then
            while (low < high) {
                long mid = (low + high) >>> 1;
                if (fits(nowMs + mid, cost)) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return low;
        }
    }

    /** A count per epoch-aligned window. */
    private static final class FixedWindowModel extends Model {
        private final Map<Long, Long> counts = new HashMap<>();

        FixedWindowModel(long limit, long windowMs) {
            super(limit, windowMs);
        }

        private long countAt(long atMs) {
            return counts.getOrDefault(Math.floorDiv(atMs, windowMs), 0L);
        }

        @Override
        boolean fits(long atMs, int cost) {
            return countAt(atMs) + cost <= limit;
        }

        @Override
        long available(long nowMs) {
            return limit - countAt(nowMs);
        }

        @Override
        void consume(long nowMs, int cost) {
            counts.merge(Math.floorDiv(nowMs, windowMs), (long) cost, Long::sum);
        }

        @Override
        long resetMs(long nowMs) {
            return countAt(nowMs) == 0 ? nowMs : (Math.floorDiv(nowMs, windowMs) + 1) * windowMs;
        }
    }

    /** A token count as an exact fraction, refilled from the last update. */
    private static final class TokenBucketModel extends Model {
        /** tokens * windowMs, so refilling 1 ms adds exactly `limit`. */
        private BigInteger scaledTokens;
        private long updatedMs = Long.MIN_VALUE;

        TokenBucketModel(long limit, long windowMs) {
            super(limit, windowMs);
            scaledTokens = big(limit).multiply(big(windowMs));
        }

        private BigInteger scaledAt(long atMs) {
            if (updatedMs == Long.MIN_VALUE) {
                return scaledTokens;
            }
            BigInteger refilled = scaledTokens.add(big(limit).multiply(big(Math.max(0, atMs - updatedMs))));
            return refilled.min(big(limit).multiply(big(windowMs)));
        }

        @Override
        boolean fits(long atMs, int cost) {
            return scaledAt(atMs).compareTo(big(cost).multiply(big(windowMs))) >= 0;
        }

        @Override
        long available(long nowMs) {
            return scaledAt(nowMs).divide(big(windowMs)).longValueExact();
        }

        @Override
        void consume(long nowMs, int cost) {
            scaledTokens = scaledAt(nowMs).subtract(big(cost).multiply(big(windowMs)));
            updatedMs = nowMs;
        }

        @Override
        long resetMs(long nowMs) {
            BigInteger missing = big(limit).multiply(big(windowMs)).subtract(scaledAt(nowMs));
            BigInteger[] qr = missing.divideAndRemainder(big(limit)); // ms to refill what is missing
            return nowMs + qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
        }
    }

    /** Counts per epoch-aligned window, the previous one weighted by its overlap. */
    private static final class CounterModel extends Model {
        private final Map<Long, Long> counts = new HashMap<>();

        CounterModel(long limit, long windowMs) {
            super(limit, windowMs);
        }

        /** estimate * windowMs at atMs. */
        private BigInteger scaledEstimate(long atMs) {
            long index = Math.floorDiv(atMs, windowMs);
            long elapsedMs = atMs - index * windowMs;
            long previous = counts.getOrDefault(index - 1, 0L);
            long current = counts.getOrDefault(index, 0L);
            return big(previous).multiply(big(windowMs - elapsedMs)).add(big(current).multiply(big(windowMs)));
        }

        @Override
        boolean fits(long atMs, int cost) {
            return scaledEstimate(atMs).add(big(cost).multiply(big(windowMs)))
                    .compareTo(big(limit).multiply(big(windowMs))) <= 0;
        }

        @Override
        long available(long nowMs) {
            BigInteger free = big(limit).multiply(big(windowMs)).subtract(scaledEstimate(nowMs));
            return Math.max(0, free.divide(big(windowMs)).longValueExact());
        }

        @Override
        void consume(long nowMs, int cost) {
            counts.merge(Math.floorDiv(nowMs, windowMs), (long) cost, Long::sum);
        }

        @Override
        long resetMs(long nowMs) {
            long index = Math.floorDiv(nowMs, windowMs);
            if (counts.getOrDefault(index, 0L) > 0) {
                return (index + 2) * windowMs;
            }
            return counts.getOrDefault(index - 1, 0L) > 0 ? (index + 1) * windowMs : nowMs;
        }
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }
}
