package io.fastlimit.backends.memory;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sliding log: its ring buffer grows only as needed and gives memory back; above
 * {@link BucketConfig#SLIDING_LOG_EXACT_LIMIT} it coalesces into slots, stays within its entry
 * bound, never admits more than the limit in any window, and holds a client back at most a slot
 * minus 1 ms longer than an exact log of the same requests would.
 */
class SlidingWindowLogTest {

    private static final long T0 = 1_000_000L;
    private static final String KEY = "test:rule:ip:{1.2.3.4}";

    private final ByteBudget budget = new ByteBudget(Long.MAX_VALUE);

    @Test
    void requestsOfOneMillisecondShareAnEntry() {
        SlidingWindowLog log = log(1000, 1000);
        for (int i = 0; i < 1000; i++) {
            log.advance(T0, budget);
            assertThat(log.retryAfterMs(T0, 1)).isZero();
            log.consume(T0, 1);
        }
        assertThat(log.capacity()).isEqualTo(SlidingWindowLog.INITIAL_CAPACITY);
        assertThat(log.available(T0)).isZero();
        assertThat(log.retryAfterMs(T0, 1)).isEqualTo(1000);
    }

    @Test
    void growsToTheBoundThenShrinksWhenTheWindowEmpties() {
        SlidingWindowLog log = log(100, 10_000);
        for (int i = 0; i < 100; i++) {
            admit(log, T0 + i, 1);
        }
        assertThat(log.capacity()).as("never more than the limit").isEqualTo(100);
        assertThat(log.retryAfterMs(T0 + 99, 1)).isEqualTo(10_000 - 99);

        // Entries leave and arrive one by one: the ring wraps around without growing.
        for (int i = 0; i < 100; i++) {
            long nowMs = T0 + 10_000 + i;
            log.advance(nowMs, budget);
            assertThat(log.retryAfterMs(nowMs, 1)).isZero();
            log.consume(nowMs, 1);
            assertThat(log.retryAfterMs(nowMs, 1)).isEqualTo(nowMs >= T0 + 10_099 ? 10_000 - 99 : 1);
        }
        assertThat(log.capacity()).isEqualTo(100);

        long before = log.bytes();
        log.advance(T0 + 30_000, budget);
        assertThat(log.capacity()).as("an empty log holds no arrays").isZero();
        assertThat(log.bytes()).isEqualTo(SlidingWindowLog.SHALLOW_BYTES);
        assertThat(budget.heldBytes()).as("what shrinking gave back").isEqualTo(SlidingWindowLog.SHALLOW_BYTES - before);
        assertThat(log.idleAtMs()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void halvesWhenMostlyEmpty() {
        SlidingWindowLog log = log(64, 1000);
        for (int i = 0; i < 64; i++) {
            admit(log, T0 + i, 1);
        }
        assertThat(log.capacity()).isEqualTo(64);
        log.advance(T0 + 1000 + 55, budget); // 8 entries left
        assertThat(log.capacity()).isEqualTo(32);
        assertThat(log.available(T0 + 1055)).isEqualTo(64 - 8);
        assertThat(log.resetMs(T0 + 1055)).isEqualTo(T0 + 63 + 1000);
    }

    @Test
    void growthIsAnnouncedBeforeItHappensAndMatchesTheSize() {
        SlidingWindowLog log = log(2000, 2000); // slots of 2 ms: three arrays
        long expectedBytes = log.bytes();
        for (int i = 0; i < 4000; i++) {
            long nowMs = T0 + i;
            log.advance(nowMs, budget);
            if (log.retryAfterMs(nowMs, 1) == 0) {
                long growthBytes = log.growthBytes(nowMs);
                log.consume(nowMs, 1);
                expectedBytes += growthBytes;
            }
            assertThat(log.bytes()).as("at +%d ms", i).isEqualTo(expectedBytes + budget.heldBytes());
        }
        // 1001 entries of 8 + 4 + 4 bytes: the bound whatever the limit
        assertThat(log.capacity()).isEqualTo(1001);
        assertThat(log.bytes()).isEqualTo(56 + 8024 + 4024 + 4024);
    }

    // ---------------------------------------------------------------- the coalesced log

    @ParameterizedTest(name = "{0}/{1}ms: slot {2} ms, at most {3} entries")
    @CsvSource({
            "1000, 3600000, 1, 1000",   // the exact limit: exact, whatever the window
            "1000000, 1000, 1, 1000",   // a window of 1000 ms or less: slots of 1 ms, exact
            "1001, 2000, 2, 1001",
            "2000, 2000, 2, 1001",
            "1000000, 3600000, 3600, 1001",
            "1000000000, 31622400000, 31622400, 1001", // the largest rate accepted
            "5000, 1001, 2, 501",
    })
    void slotsAndEntriesStayBoundedWhateverTheLimit(long limit, long windowMs, long slotMs, int maxEntries) {
        BucketConfig config = new BucketConfig(limit, Duration.ofMillis(windowMs), Algorithm.SLIDING_WINDOW);
        assertThat(config.slidingLogSlotMillis()).isEqualTo(slotMs);
        assertThat(SlidingWindowLog.maxEntries(config)).isEqualTo(maxEntries);
        // one request per slot, each of the cost the limit allows per slot or 1: the log's worst case
        SlidingWindowLog log = new SlidingWindowLog(config);
        int cost = (int) Math.max(1, Math.min(limit / maxEntries, Integer.MAX_VALUE));
        long stepMs = Math.max(1, slotMs);
        int most = 0;
        for (long t = 0; t < 3L * maxEntries; t++) {
            long nowMs = T0 + t * stepMs;
            log.advance(nowMs, budget);
            if (log.retryAfterMs(nowMs, cost) == 0) {
                log.consume(nowMs, cost);
            }
            most = Math.max(most, log.entries());
        }
        assertThat(most).isLessThanOrEqualTo(maxEntries);
        assertThat(log.capacity()).isLessThanOrEqualTo(maxEntries);
    }

    @Test
    void unitsWithinASlotJoinTheNewestEntry() {
        SlidingWindowLog log = log(2000, 2000); // slots of 2 ms
        admit(log, T0, 1000);
        admit(log, T0 + 1, 500); // T0 + 1 < T0 + 2: joins, its stamp becomes T0 + 1
        assertThat(log.entries()).isEqualTo(1);
        assertThat(log.resetMs(T0 + 1)).isEqualTo(T0 + 1 + 2000);
        admit(log, T0 + 2, 500); // a new slot
        assertThat(log.entries()).isEqualTo(2);
        assertThat(log.available(T0 + 2)).isZero();
        // the 1000 units of T0 are counted with those of T0 + 1, until T0 + 2001: 1 ms past their own expiry
        assertThat(log.retryAfterMs(T0 + 2, 1)).isEqualTo(1999);
        log.advance(T0 + 2000, budget);
        assertThat(log.retryAfterMs(T0 + 2000, 1)).isEqualTo(1);
        log.advance(T0 + 2001, budget);
        assertThat(log.available(T0 + 2001)).isEqualTo(1500);
    }

    @Test
    void aRefundThatEmptiesTheNewestEntryReopensTheOneBefore() {
        SlidingWindowLog log = log(3000, 60_000); // slots of 60 ms
        admit(log, T0, 10);
        admit(log, T0 + 70, 5); // a new slot at T0 + 70
        log.advance(T0 + 80, budget);
        log.giveBack(T0 + 80, 7); // the 5 of T0 + 70, and 2 of T0
        assertThat(log.entries()).isEqualTo(1);
        assertThat(log.available(T0 + 80)).isEqualTo(3000 - 8);
        assertThat(log.resetMs(T0 + 80)).as("a thinned entry keeps its stamp").isEqualTo(T0 + 60_000);
        admit(log, T0 + 80, 1); // T0 + 80 >= T0 + 60: a new entry
        assertThat(log.entries()).isEqualTo(2);
    }

    /** Coalesced logs against an exact log of the very requests they admitted. */
    @ParameterizedTest(name = "{0}/{1}ms")
    @CsvSource({"1001, 2000", "2000, 2000", "1500, 7000", "5000, 60000", "2500, 10007", "1000000, 3600000"})
    void neverAdmitsMoreThanTheLimitAndBlocksUnderASlotLongerThanTheExactLog(long limit, long windowMs) {
        BucketConfig bucket = new BucketConfig(limit, Duration.ofMillis(windowMs), Algorithm.SLIDING_WINDOW);
        long slotMs = bucket.slidingLogSlotMillis();
        assertThat(slotMs).isGreaterThan(1);
        Random random = new Random(limit * 31 + windowMs);
        ManualClock clock = new ManualClock(ManualClock.DEFAULT_START_MS);
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        ExactLog exact = new ExactLog(limit, windowMs);
        // about twice the limit per window on average, in trickles, bursts and pauses, so it blocks often
        long meanStepMs = Math.max(1, windowMs / 200);
        long meanCost = Math.max(1, limit / 50);
        int blocked = 0;
        int longer = 0;
        for (int step = 0; step < 5000; step++) {
            int cost = (int) Math.min(limit, 1 + random.nextInt((int) (2 * meanCost)));
            if (random.nextInt(50) == 0) {
                cost = (int) Math.min(limit, limit / 2 + random.nextInt((int) (limit / 2)));
            }
            long nowMs = clock.millis();
            BackendResult result = backend.checkAndIncrement(KEY, bucket, cost);
            long exactWaitMs = exact.retryAfterMs(nowMs, cost);
            if (result.allowed()) {
                assertThat(exactWaitMs).as("step %d: admitted, so the exact log had room for it", step).isZero();
                exact.add(nowMs, cost);
                assertThat(exact.available(nowMs)).as("units in the last window").isNotNegative();
                if (random.nextInt(20) == 0) {
                    int refund = 1 + random.nextInt(cost);
                    backend.refund(KEY, List.of(bucket), refund);
                    exact.giveBack(refund);
                }
            } else {
                blocked++;
                assertThat(result.retryAfterMs()).as("step %d: cost %d", step, cost)
                        .isBetween(Math.max(1, exactWaitMs), exactWaitMs + slotMs - 1);
                if (result.retryAfterMs() > exactWaitMs) {
                    longer++;
                }
            }
            assertThat(result.remaining()).as("step %d: never fewer units counted than by the exact log", step)
                    .isLessThanOrEqualTo(exact.available(nowMs));
            SlidingWindowLog log = (SlidingWindowLog) backend.stateOf(KEY);
            assertThat(log.entries()).isLessThanOrEqualTo(SlidingWindowLog.maxEntries(bucket));
            clock.advanceMillis(random.nextInt(100) == 0 ? random.nextInt((int) Math.min(windowMs, 100_000))
                    : random.nextInt((int) (2 * meanStepMs)));
        }
        assertThat(blocked).as("the traffic exercised blocking").isGreaterThan(1000);
        assertThat(longer).as("and the slot's extra wait").isPositive();
    }

    /** At or below the exact limit, every answer is the exact log's. */
    @ParameterizedTest(name = "{0}/{1}ms")
    @CsvSource({"1000, 2000", "1000, 60000", "700, 3600000", "1000000, 1000", "5000, 250"})
    void isExactWithSlotsOfOneMillisecond(long limit, long windowMs) {
        BucketConfig bucket = new BucketConfig(limit, Duration.ofMillis(windowMs), Algorithm.SLIDING_WINDOW);
        assertThat(bucket.slidingLogSlotMillis()).isEqualTo(1);
        Random random = new Random(limit + windowMs);
        ManualClock clock = new ManualClock(ManualClock.DEFAULT_START_MS);
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
        ExactLog exact = new ExactLog(limit, windowMs);
        long meanStepMs = Math.max(1, windowMs / 200);
        long meanCost = Math.max(1, 2 * limit / 200);
        for (int step = 0; step < 3000; step++) {
            int cost = (int) Math.min(limit, 1 + random.nextInt((int) (2 * meanCost)));
            long nowMs = clock.millis();
            BackendResult result = backend.checkAndIncrement(KEY, bucket, cost);
            long waitMs = exact.retryAfterMs(nowMs, cost);
            if (waitMs == 0) {
                exact.add(nowMs, cost);
            }
            assertThat(result).as("step %d", step).isEqualTo(new BackendResult(waitMs == 0, limit,
                    exact.available(nowMs), exact.resetMs(nowMs), waitMs, 0));
            clock.advanceMillis(random.nextInt((int) (2 * meanStepMs)));
        }
    }

    /** Every admitted request with its own time, oldest first; those out of the window are dropped. */
    private static final class ExactLog {
        private final long limit;
        private final long windowMs;
        private final Deque<long[]> units = new ArrayDeque<>();

        ExactLog(long limit, long windowMs) {
            this.limit = limit;
            this.windowMs = windowMs;
        }

        void add(long atMs, long cost) {
            units.addLast(new long[] {atMs, cost});
        }

        /** Time only moves forward in these tests, so what left the window never counts again. */
        private void drop(long nowMs) {
            while (!units.isEmpty() && units.peekFirst()[0] <= nowMs - windowMs) {
                units.removeFirst();
            }
        }

        void giveBack(long cost) {
            while (cost > 0 && !units.isEmpty()) {
                long[] newest = units.peekLast();
                long taken = Math.min(cost, newest[1]);
                newest[1] -= taken;
                cost -= taken;
                if (newest[1] == 0) {
                    units.removeLast();
                }
            }
        }

        long unitsIn(long nowMs) {
            drop(nowMs);
            long count = 0;
            for (long[] u : units) {
                count += u[1];
            }
            return count;
        }

        long available(long nowMs) {
            return limit - unitsIn(nowMs);
        }

        long resetMs(long nowMs) {
            return unitsIn(nowMs) == 0 ? nowMs : units.peekLast()[0] + windowMs;
        }

        /** The first moment the cost fits: when enough of the oldest units have left the window. */
        long retryAfterMs(long nowMs, long cost) {
            long excess = unitsIn(nowMs) + cost - limit;
            if (excess <= 0) {
                return 0;
            }
            for (long[] u : units) {
                excess -= u[1];
                if (excess <= 0) {
                    return u[0] + windowMs - nowMs;
                }
            }
            throw new AssertionError("cost above the limit");
        }
    }

    private SlidingWindowLog log(long limit, long windowMs) {
        return new SlidingWindowLog(new BucketConfig(limit, Duration.ofMillis(windowMs), Algorithm.SLIDING_WINDOW));
    }

    private void admit(SlidingWindowLog log, long nowMs, int cost) {
        log.advance(nowMs, budget);
        assertThat(log.retryAfterMs(nowMs, cost)).isZero();
        log.consume(nowMs, cost);
    }
}
