package io.fastlimit.testing.contract;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link Backend} must show. Extend it and implement {@link #createBackend}:
 *
 * <pre>{@code
 * class MyBackendContractTest extends BackendContractTest {
 *     protected Backend createBackend(ManualClock clock) {
 *         return new MyBackend(clock);
 *     }
 * }
 * }</pre>
 *
 * <p>Every expectation is driven by the {@link ManualClock} alone: a backend under test must take
 * its time from it (a remote backend passes the clock's reading to the store in test mode). The
 * clock starts at {@link ManualClock#DEFAULT_START_MS}, 123 ms past a second, minute and day
 * boundary, so epoch-aligned windows of those lengths started 123 ms before the first request.
 */
public abstract class BackendContractTest {

    /** The first reading of the clock; 123 ms into every epoch-aligned window of whole seconds. */
    protected static final long T0 = ManualClock.DEFAULT_START_MS;

    protected static final String KEY = "test:rule:ip:{1.2.3.4}";
    protected static final String OTHER_IP_KEY = "test:rule:ip:{1.2.3.5}";
    protected static final String USER_KEY = "test:rule:user:{alice}";

    protected ManualClock clock;
    protected Backend backend;

    /** A backend, empty, whose time is {@code clock}. */
    protected abstract Backend createBackend(ManualClock clock);

    @BeforeEach
    void createFreshBackend() {
        clock = new ManualClock(T0);
        backend = createBackend(clock);
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    // ---------------------------------------------------------------- basics

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void allowsExactlyTheLimitThenBlocks(Algorithm algorithm) {
        BucketConfig bucket = bucket("5/min", algorithm);
        for (int i = 1; i <= 5; i++) {
            BackendResult result = backend.checkAndIncrement(KEY, bucket, 1);
            assertThat(result.allowed()).as("request %d", i).isTrue();
            assertThat(result.limit()).isEqualTo(5);
            assertThat(result.remaining()).isEqualTo(5 - i);
            assertThat(result.retryAfterMs()).isZero();
        }
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.limit()).isEqualTo(5);
        assertThat(blocked.remaining()).isZero();
        assertThat(blocked.retryAfterMs()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void blockedRequestsConsumeNothing(Algorithm algorithm) {
        BucketConfig bucket = bucket("10/min", algorithm);
        assertThat(backend.checkAndIncrement(KEY, bucket, 4).remaining()).isEqualTo(6);
        assertThat(backend.checkAndIncrement(KEY, bucket, 4).remaining()).isEqualTo(2);
        for (int i = 0; i < 20; i++) {
            BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 4);
            assertThat(blocked.allowed()).isFalse();
            assertThat(blocked.remaining()).as("units still free").isEqualTo(2);
        }
        BackendResult last = backend.checkAndIncrement(KEY, bucket, 2);
        assertThat(last.allowed()).isTrue();
        assertThat(last.remaining()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void blockedRequestIsFreedAfterExactlyRetryAfter(Algorithm algorithm) {
        List<BucketConfig> buckets = buckets("5/s", algorithm);
        for (int i = 0; i < 5; i++) {
            assertThat(backend.checkAndIncrement(KEY, buckets, 1).allowed()).isTrue();
        }
        assertRetryAfterIsExact(KEY, buckets, 1);
    }

    /** Resets and waits after spending {@code 5/s} at once at T0, for each algorithm. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void reportsExactResetAndRetryAfter(Algorithm algorithm) {
        BucketConfig bucket = bucket("5/s", algorithm);
        long windowEnd = T0 - 123 + 1000;
        for (int i = 1; i <= 5; i++) {
            BackendResult result = backend.checkAndIncrement(KEY, bucket, 1);
            long expectedResetMs = switch (algorithm) {
                case SLIDING_WINDOW -> T0 + 1000;              // the newest request leaves the window
                case FIXED_WINDOW -> windowEnd;                // the window ends
                case TOKEN_BUCKET -> T0 + 200L * i;            // 200 ms per token spent
                case SLIDING_WINDOW_COUNTER -> windowEnd + 1000; // the current count stops weighing
            };
            assertThat(result.resetMs()).as("reset after request %d", i).isEqualTo(expectedResetMs);
        }
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        long expectedRetryAfterMs = switch (algorithm) {
            case SLIDING_WINDOW -> 1000;  // the first request expires
            case FIXED_WINDOW -> 877;     // the next window starts
            case TOKEN_BUCKET -> 200;     // one token refills
            // next window: 5 * (1000 - e) / 1000 + 1 <= 5 from e = 200, so 877 + 200
            case SLIDING_WINDOW_COUNTER -> 1077;
        };
        assertThat(blocked.retryAfterMs()).isEqualTo(expectedRetryAfterMs);
        long expectedResetMs = switch (algorithm) {
            case SLIDING_WINDOW, TOKEN_BUCKET -> T0 + 1000;
            case FIXED_WINDOW -> windowEnd;
            case SLIDING_WINDOW_COUNTER -> windowEnd + 1000;
        };
        assertThat(blocked.resetMs()).isEqualTo(expectedResetMs);
        assertRetryAfterIsExact(KEY, List.of(bucket), 1);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void costAboveOneConsumesThatManyUnits(Algorithm algorithm) {
        BucketConfig bucket = bucket("10/s", algorithm);
        assertThat(backend.checkAndIncrement(KEY, bucket, 3).remaining()).isEqualTo(7);
        assertThat(backend.checkAndIncrement(KEY, bucket, 3).remaining()).isEqualTo(4);
        assertThat(backend.checkAndIncrement(KEY, bucket, 3).remaining()).isEqualTo(1);
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 3);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.remaining()).as("units still free").isEqualTo(1);
        long expectedRetryAfterMs = switch (algorithm) {
            case SLIDING_WINDOW -> 1000;  // the 9 units logged at T0 expire together
            case FIXED_WINDOW -> 877;
            case TOKEN_BUCKET -> 200;     // debt 900 ms + 300 ms for 3 tokens, 200 ms over one window
            // next window: 9 * (1000 - e) / 1000 + 3 <= 10 from e = 1000 - floor(7000 / 9) = 223
            case SLIDING_WINDOW_COUNTER -> 877 + 223;
        };
        assertThat(blocked.retryAfterMs()).isEqualTo(expectedRetryAfterMs);
        assertRetryAfterIsExact(KEY, List.of(bucket), 3);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void rejectsCostsNoBucketCouldHold(Algorithm algorithm) {
        BucketConfig bucket = bucket("5/min", algorithm);
        assertThatThrownBy(() -> backend.checkAndIncrement(KEY, bucket, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> backend.checkAndIncrement(KEY, bucket, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
        assertThatThrownBy(() -> backend.checkAndIncrement(KEY, buckets("10/s;5/min", algorithm), 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
        assertThatThrownBy(() -> backend.checkAndIncrement(KEY, List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(backend.checkAndIncrement(KEY, bucket, 5).allowed()).as("nothing was consumed").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void singleAndListFormsShareOneState(Algorithm algorithm) {
        BucketConfig bucket = bucket("5/min", algorithm);
        assertThat(backend.checkAndIncrement(KEY, bucket, 2).remaining()).isEqualTo(3);
        assertThat(backend.checkAndIncrement(KEY, List.of(bucket), 2).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 2).allowed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void changedBucketsForAKeyAreNotMisread(Algorithm algorithm) {
        for (int i = 0; i < 5; i++) {
            backend.checkAndIncrement(KEY, bucket("5/min", algorithm), 1);
        }
        BackendResult result = backend.checkAndIncrement(KEY, bucket("10/min", algorithm), 1);
        assertThat(result.allowed()).isTrue();
        assertThat(result.limit()).isEqualTo(10);
        BackendResult multi = backend.checkAndIncrement(KEY, buckets("10/min;20/hour", algorithm), 1);
        assertThat(multi.allowed()).isTrue();
        assertThat(multi.limit()).isEqualTo(10);
    }

    // ---------------------------------------------------------------- per algorithm

    @Test
    void fixedWindowAllowsTheLimitAgainRightAfterTheBoundary() {
        BucketConfig bucket = bucket("5/s", Algorithm.FIXED_WINDOW);
        long boundary = T0 - 123 + 1000;
        clock.set(boundary - 1);
        for (int i = 0; i < 5; i++) {
            assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isTrue();
        }
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.retryAfterMs()).isEqualTo(1);
        assertThat(blocked.resetMs()).isEqualTo(boundary);
        clock.set(boundary);
        for (int i = 1; i <= 5; i++) {
            BackendResult result = backend.checkAndIncrement(KEY, bucket, 1);
            assertThat(result.allowed()).as("request %d after the boundary", i).isTrue();
            assertThat(result.resetMs()).isEqualTo(boundary + 1000);
        }
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();
    }

    @Test
    void slidingWindowFreesOnlyWhatHasLeftTheWindow() {
        BucketConfig bucket = bucket("5/s", Algorithm.SLIDING_WINDOW);
        backend.checkAndIncrement(KEY, bucket, 1);
        backend.checkAndIncrement(KEY, bucket, 1);
        clock.set(T0 + 600);
        for (int i = 2; i >= 0; i--) {
            BackendResult result = backend.checkAndIncrement(KEY, bucket, 1);
            assertThat(result.remaining()).isEqualTo(i);
            assertThat(result.resetMs()).isEqualTo(T0 + 1600);
        }
        clock.set(T0 + 900); // past the epoch-aligned boundary at T0 + 877: no fresh window here
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(100);
        clock.set(T0 + 999);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(1);
        clock.set(T0 + 1000); // the two requests of T0 leave the window, the three of T0 + 600 stay
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isZero();
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.retryAfterMs()).isEqualTo(600);
        assertThat(blocked.resetMs()).isEqualTo(T0 + 2000);
    }

    // The sliding log above BucketConfig.SLIDING_LOG_EXACT_LIMIT (1000): units admitted within a slot
    // of ceil(window / 1000) ms of an entry's start join it, and all leave at its latest stamp + window.

    @Test
    void slidingWindowAboveTheExactLimitCoalescesWithinASlot() {
        BucketConfig bucket = bucket("2000/2s", Algorithm.SLIDING_WINDOW);
        assertThat(bucket.slidingLogSlotMillis()).isEqualTo(2);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1000), true, 1000, T0 + 2000, 0); // opens entry A at T0
        clock.set(T0 + 1); // T0 + 1 < T0 + 2: joins A, whose stamp becomes T0 + 1
        assertResult(backend.checkAndIncrement(KEY, bucket, 500), true, 500, T0 + 2001, 0);
        clock.set(T0 + 2); // a new slot: opens entry B
        assertResult(backend.checkAndIncrement(KEY, bucket, 500), true, 0, T0 + 2002, 0);
        // A's 1500 units leave together at T0 + 2001: the 1000 of T0 1 ms later than an exact log
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 2002, 1999);
        clock.set(T0 + 2000);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 2002, 1);
        clock.set(T0 + 2001); // A has left: 1500 free; the unit opens entry C
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 1499, T0 + 4001, 0);
        clock.set(T0 + 2002); // B has left; T0 + 2002 < T0 + 2003: joins C
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 1998, T0 + 4002, 0);
        clock.set(T0 + 2003); // a new slot: opens entry D
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 1997, T0 + 4003, 0);
        clock.set(T0 + 4002); // C's 2 units leave at its stamp + window
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 1998, T0 + 6002, 0);
    }

    @Test
    void slidingWindowAboveTheExactLimitHoldsTheLimitAtOnePerMillisecond() {
        BucketConfig bucket = bucket("2000/2s", Algorithm.SLIDING_WINDOW);
        for (int ms = 0; ms < 2000; ms++) { // 1000 entries of 2 units, T0 + 2k to T0 + 2k + 1
            clock.set(T0 + ms);
            assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 1999 - ms, T0 + ms + 2000, 0);
        }
        clock.set(T0 + 2000); // an exact log would free the unit of T0 now; its entry leaves at T0 + 2001
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 3999, 1);
        // From then on one unit per ms passes: every other ms an entry of 2 leaves and a new one opens.
        for (int ms = 2001; ms < 4001; ms++) {
            clock.set(T0 + ms);
            long remaining = ms % 2 == 1 ? 1 : 0;
            assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, remaining, T0 + ms + 2000, 0);
        }
        // at T0 + 4000 the oldest entry holds the units of T0 + 2001 and T0 + 2002: they leave at T0 + 4002
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 6000, 2);
    }

    @Test
    void slidingWindowAboveTheExactLimitWaitsUnderASlotLongerThanAnExactLog() {
        BucketConfig bucket = bucket("3000/min", Algorithm.SLIDING_WINDOW);
        assertThat(bucket.slidingLogSlotMillis()).isEqualTo(60);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 2999, T0 + 60_000, 0); // entry A at T0
        clock.set(T0 + 59); // joins A
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 2998, T0 + 60_059, 0);
        clock.set(T0 + 60); // entry B
        assertResult(backend.checkAndIncrement(KEY, bucket, 2998), true, 0, T0 + 60_060, 0);
        // A's 2 units leave at T0 + 60_059; an exact log would free the unit of T0 at T0 + 60_000
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 60_060, 59_999);
        // 3 units need B to leave as well
        assertResult(backend.checkAndIncrement(KEY, bucket, 3), false, 0, T0 + 60_060, 60_000);
        clock.set(T0 + 60_058);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 60_060, 1);
        clock.set(T0 + 60_059);
        assertResult(backend.checkAndIncrement(KEY, bucket, 2), true, 0, T0 + 120_059, 0);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 120_059, 1);
        assertRetryAfterIsExact(KEY, List.of(bucket), 3);
    }

    @Test
    void slidingWindowAboveTheExactLimitRefundsFromTheNewestEntries() {
        org.junit.jupiter.api.Assumptions.assumeTrue(supportsRefund());
        BucketConfig bucket = bucket("3000/min", Algorithm.SLIDING_WINDOW); // slots of 60 ms
        backend.checkAndIncrement(KEY, bucket, 10); // entry A at T0
        clock.set(T0 + 30);
        backend.checkAndIncrement(KEY, bucket, 2); // joins A: 12 units, stamped T0 + 30
        clock.set(T0 + 70);
        backend.checkAndIncrement(KEY, bucket, 5); // entry B at T0 + 70
        clock.set(T0 + 100);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 2982, T0 + 60_100, 0); // joins B
        backend.refund(KEY, List.of(bucket), 8); // B's 6, then 2 of A: 10 units, still stamped T0 + 30
        // A is the newest entry now, and T0 + 100 is past its slot: entry C
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 2989, T0 + 60_100, 0);
        assertResult(backend.checkAndIncrement(KEY, bucket, 2989), true, 0, T0 + 60_100, 0);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 60_100, 59_930);
        clock.set(T0 + 60_029);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 60_100, 1);
        clock.set(T0 + 60_030); // A's 10 units leave
        assertResult(backend.checkAndIncrement(KEY, bucket, 10), true, 0, T0 + 120_030, 0);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 120_030, 70);
    }

    @Test
    void slidingWindowAtTheExactLimitStaysExact() {
        BucketConfig bucket = bucket("1000/2s", Algorithm.SLIDING_WINDOW);
        assertThat(bucket.slidingLogSlotMillis()).isEqualTo(1);
        for (int ms = 0; ms < 1000; ms++) {
            clock.set(T0 + 2 * ms);
            assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 999 - ms, T0 + 2 * ms + 2000, 0);
        }
        clock.set(T0 + 1999);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 3998, 1);
        clock.set(T0 + 2000); // the unit of T0 leaves, to the millisecond
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), true, 0, T0 + 4000, 0);
        assertResult(backend.checkAndIncrement(KEY, bucket, 1), false, 0, T0 + 4000, 2);
    }

    @Test
    void tokenBucketRefillsContinuouslyAndCapsTheBurst() {
        BucketConfig bucket = bucket("10/s", Algorithm.TOKEN_BUCKET);
        for (int i = 9; i >= 0; i--) {
            assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isEqualTo(i);
        }
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(blocked.retryAfterMs()).isEqualTo(100);
        assertThat(blocked.resetMs()).isEqualTo(T0 + 1000);

        clock.advanceMillis(99);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(1);
        clock.advanceMillis(1); // window / limit: exactly one more token
        BackendResult refilled = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(refilled.allowed()).isTrue();
        assertThat(refilled.remaining()).isZero();
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(100);

        clock.advanceMillis(250); // 2.5 tokens
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isZero();
        BackendResult half = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(half.allowed()).isFalse();
        assertThat(half.retryAfterMs()).isEqualTo(50);

        clock.advanceMillis(3_600_000); // an hour refills no more than the capacity
        for (int i = 0; i < 10; i++) {
            assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isTrue();
        }
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();
    }

    @Test
    void tokenBucketRefillsFractionalIntervalsExactly() {
        BucketConfig bucket = bucket("3/s", Algorithm.TOKEN_BUCKET); // one token per 333 1/3 ms
        for (int i = 0; i < 3; i++) {
            backend.checkAndIncrement(KEY, bucket, 1);
        }
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(334);
        clock.advanceMillis(333);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isTrue();
        // Thirds of a window add up to exactly a window, without drift.
        long nowMs = clock.millis();
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, bucket, 1).resetMs()).isEqualTo(nowMs + 334);
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, bucket, 1).resetMs()).isEqualTo(nowMs + 667);
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, bucket, 1).resetMs()).isEqualTo(nowMs + 1000);
        clock.set(nowMs + 1000);
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, bucket, 3).allowed()).isTrue();
    }

    @Test
    void slidingWindowCounterWeighsThePreviousWindow() {
        BucketConfig bucket = bucket("10/s", Algorithm.SLIDING_WINDOW_COUNTER);
        long windowStart = T0 - 123;
        for (int i = 0; i < 8; i++) {
            backend.checkAndIncrement(KEY, bucket, 1);
        }
        // 250 ms into the next window: 8 previous * 750/1000 = 6 weighted, so 4 units fit
        clock.set(windowStart + 1250);
        for (int i = 3; i >= 0; i--) {
            BackendResult result = backend.checkAndIncrement(KEY, bucket, 1);
            assertThat(result.allowed()).isTrue();
            assertThat(result.remaining()).isEqualTo(i);
            assertThat(result.resetMs()).isEqualTo(windowStart + 3000);
        }
        // 8 * (1000 - e) / 1000 + 4 + 1 <= 10 from e = 375
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.retryAfterMs()).isEqualTo(125);
        clock.advanceMillis(124);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).retryAfterMs()).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isTrue();
    }

    // ---------------------------------------------------------------- several rates

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void severalRatesConsumeAllOrNothing(Algorithm algorithm) {
        List<BucketConfig> rates = buckets("3/s;5/min", algorithm);
        for (int i = 2; i >= 0; i--) {
            BackendResult result = backend.checkAndIncrement(KEY, rates, 1);
            assertThat(result.allowed()).isTrue();
            assertThat(result.limit()).as("the per-second rate is tightest").isEqualTo(3);
            assertThat(result.remaining()).isEqualTo(i);
        }
        for (int i = 0; i < 10; i++) {
            BackendResult blocked = backend.checkAndIncrement(KEY, rates, 1);
            assertThat(blocked.allowed()).isFalse();
            assertThat(blocked.limit()).isEqualTo(3);
        }

        clock.advanceMillis(2000); // the per-second rate is whole again; the per-minute one holds 2
        BackendResult tooMuch = backend.checkAndIncrement(KEY, rates, 3);
        assertThat(tooMuch.allowed()).isFalse();
        assertThat(tooMuch.limit()).as("blocked by the per-minute rate").isEqualTo(5);
        assertThat(tooMuch.remaining()).isEqualTo(2);
        assertThat(tooMuch.retryAfterMs()).isGreaterThan(2000);

        // Had the blocked requests consumed from the other rate, this would not fit in one of them.
        BackendResult fits = backend.checkAndIncrement(KEY, rates, 2);
        assertThat(fits.allowed()).isTrue();
        assertThat(fits.limit()).isEqualTo(5);
        assertThat(fits.remaining()).isZero();

        // Both block now; the longest wait is reported.
        BackendResult both = backend.checkAndIncrement(KEY, rates, 2);
        assertThat(both.allowed()).isFalse();
        assertThat(both.limit()).isEqualTo(5);
        assertThat(both.retryAfterMs()).isGreaterThan(2000);
        assertRetryAfterIsExact(KEY, rates, 2);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void severalRatesWithEqualRemainingReportTheOneWholeLast(Algorithm algorithm) {
        BackendResult result = backend.checkAndIncrement(KEY, buckets("2/s;2/min", algorithm), 1);
        assertThat(result.remaining()).isEqualTo(1);
        assertThat(result.limit()).isEqualTo(2);
        assertThat(result.resetMs()).as("the per-minute rate").isGreaterThan(T0 + 2000);
    }

    // ---------------------------------------------------------------- which bucket a result describes

    /**
     * Whether the backend tells which bucket a result describes ({@link BackendResult#bucketIndex()});
     * true by default. A backend answering {@link BackendResult#UNKNOWN_BUCKET} overrides it with
     * {@code false}, and the limiter then finds the bucket by its limit, which is ambiguous when two
     * rates share a limit.
     */
    protected boolean reportsBucketIndex() {
        return true;
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aResultOfOneBucketDescribesTheFirst(Algorithm algorithm) {
        org.junit.jupiter.api.Assumptions.assumeTrue(reportsBucketIndex());
        BucketConfig bucket = bucket("2/min", algorithm);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).bucketIndex()).isZero();
        assertThat(backend.checkAndIncrement(KEY, List.of(bucket), 1).bucketIndex()).isZero();
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).bucketIndex()).as("blocked").isZero();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aResultOfSeveralRatesNamesTheBucketItDescribes(Algorithm algorithm) {
        org.junit.jupiter.api.Assumptions.assumeTrue(reportsBucketIndex());
        assertBucketIndices(KEY, buckets("3/s;5/min", algorithm), 0, 1);
        assertBucketIndices(OTHER_IP_KEY, buckets("5/min;3/s", algorithm), 1, 0);
    }

    /** {@code 3/s} and {@code 5/min}, at {@code perSecond} and {@code perMinute} in {@code rates}. */
    private void assertBucketIndices(String key, List<BucketConfig> rates, int perSecond, int perMinute) {
        for (int i = 0; i < 3; i++) {
            BackendResult allowed = backend.checkAndIncrement(key, rates, 1);
            assertThat(allowed.bucketIndex()).as("allowed %d: the per-second rate has fewest left", i).isEqualTo(perSecond);
        }
        assertThat(backend.checkAndIncrement(key, rates, 1).bucketIndex()).as("blocked by the per-second rate")
                .isEqualTo(perSecond);
        clock.advanceMillis(2000);
        BackendResult blocked = backend.checkAndIncrement(key, rates, 3);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.bucketIndex()).as("blocked by the per-minute rate").isEqualTo(perMinute);
        BackendResult last = backend.checkAndIncrement(key, rates, 2);
        assertThat(last.allowed()).isTrue();
        assertThat(last.bucketIndex()).as("the per-minute rate has none left").isEqualTo(perMinute);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void ratesThatShareALimitAreToldApartByTheirIndex(Algorithm algorithm) {
        org.junit.jupiter.api.Assumptions.assumeTrue(reportsBucketIndex());
        // as many units left in both: the per-minute rate is whole again last, and waited for longest
        List<BucketConfig> rates = buckets("2/s;2/min", algorithm);
        for (int i = 0; i < 2; i++) {
            BackendResult allowed = backend.checkAndIncrement(KEY, rates, 1);
            assertThat(allowed.limit()).isEqualTo(2);
            assertThat(allowed.bucketIndex()).as("allowed %d", i).isEqualTo(1);
        }
        assertThat(backend.checkAndIncrement(KEY, rates, 1).bucketIndex()).as("blocked").isEqualTo(1);

        List<BucketConfig> reversed = buckets("2/min;2/s", algorithm);
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, reversed, 1).bucketIndex()).isZero();
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, reversed, 1).bucketIndex()).isZero();
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, reversed, 1).bucketIndex()).as("blocked").isZero();
    }

    // ---------------------------------------------------------------- refund

    /** Whether the backend gives units back ({@link Backend#refund} is optional); true by default. */
    protected boolean supportsRefund() {
        return true;
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void refundGivesBackWhatWasJustConsumed(Algorithm algorithm) {
        org.junit.jupiter.api.Assumptions.assumeTrue(supportsRefund());
        BucketConfig bucket = bucket("5/min", algorithm);
        assertThat(backend.checkAndIncrement(KEY, bucket, 2).remaining()).isEqualTo(3);
        backend.refund(KEY, List.of(bucket), 2);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isEqualTo(4);
        backend.checkAndIncrement(KEY, bucket, 4);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();
        backend.refund(KEY, List.of(bucket), 1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).as("the refunded unit").isTrue();
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void refundOfSeveralRatesGivesBackEveryRate(Algorithm algorithm) {
        org.junit.jupiter.api.Assumptions.assumeTrue(supportsRefund());
        List<BucketConfig> rates = buckets("3/s;5/min", algorithm);
        backend.checkAndIncrement(KEY, rates, 3);
        backend.refund(KEY, rates, 3);
        BackendResult result = backend.checkAndIncrement(KEY, rates, 3);
        assertThat(result.allowed()).isTrue();
        assertThat(result.remaining()).as("3/s has 0 left, and 5/min 2").isZero();
        backend.refund(KEY, rates, 3);
        clock.advanceMillis(1000);
        assertThat(backend.checkAndIncrement(KEY, rates, 3).allowed()).as("5/min still has 5").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void refundNeverGivesMoreThanWasTaken(Algorithm algorithm) {
        org.junit.jupiter.api.Assumptions.assumeTrue(supportsRefund());
        BucketConfig bucket = bucket("5/min", algorithm);
        backend.refund(KEY, List.of(bucket), 3); // nothing consumed: nothing to give back
        backend.checkAndIncrement(KEY, bucket, 1);
        backend.refund(KEY, List.of(bucket), 5);
        for (int i = 1; i <= 5; i++) {
            assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).as("request %d", i).isTrue();
        }
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();
    }

    // ---------------------------------------------------------------- keys

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void keysAreIndependent(Algorithm algorithm) {
        BucketConfig bucket = bucket("2/min", algorithm);
        backend.checkAndIncrement(KEY, bucket, 2);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, bucket, 1).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement(USER_KEY, bucket, 1).remaining()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void resetForgetsOneKey(Algorithm algorithm) {
        BucketConfig bucket = bucket("2/min", algorithm);
        backend.checkAndIncrement(KEY, bucket, 2);
        backend.checkAndIncrement(USER_KEY, bucket, 2);
        backend.reset(KEY);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement(USER_KEY, bucket, 1).allowed()).isFalse();
        backend.reset("test:rule:ip:{never.seen}"); // a key it does not hold is no error
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void clearAllForgetsEveryKey(Algorithm algorithm) {
        List<BucketConfig> rates = buckets("2/min;3/hour", algorithm);
        backend.checkAndIncrement(KEY, rates, 2);
        backend.checkAndIncrement(USER_KEY, rates, 2);
        backend.clearAll();
        assertThat(backend.checkAndIncrement(KEY, rates, 2).allowed()).isTrue();
        assertThat(backend.checkAndIncrement(USER_KEY, rates, 2).allowed()).isTrue();
    }

    // ---------------------------------------------------------------- concurrency

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void concurrentChecksOfOneKeyAllowExactlyTheLimit(Algorithm algorithm) throws Exception {
        assertThat(allowedUnderContention(buckets("1000/hour", algorithm))).isEqualTo(1000);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void concurrentChecksOfSeveralRatesAllowExactlyTheTightest(Algorithm algorithm) throws Exception {
        assertThat(allowedUnderContention(buckets("1500/day;1000/hour", algorithm))).isEqualTo(1000);
    }

    /** 8 threads each try 250 times, with the clock frozen; returns how many were allowed. */
    private int allowedUnderContention(List<BucketConfig> buckets) throws Exception {
        int threads = 8;
        int attemptsPerThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Integer> worker = () -> {
                    start.await();
                    int allowed = 0;
                    for (int i = 0; i < attemptsPerThread; i++) {
                        if (backend.checkAndIncrement(KEY, buckets, 1).allowed()) {
                            allowed++;
                        }
                    }
                    return allowed;
                };
                counts.add(pool.submit(worker));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get(30, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Asserts that a request of {@code cost} is blocked now, still blocked (with 1 ms to wait) 1 ms
     * before its retryAfter has passed, and allowed once it has. Moves the clock.
     */
    protected void assertRetryAfterIsExact(String key, List<BucketConfig> buckets, int cost) {
        BackendResult blocked = backend.checkAndIncrement(key, buckets, cost);
        assertThat(blocked.allowed()).as("blocked now").isFalse();
        long waitMs = blocked.retryAfterMs();
        assertThat(waitMs).isPositive();
        clock.advanceMillis(waitMs - 1);
        BackendResult early = backend.checkAndIncrement(key, buckets, cost);
        assertThat(early.allowed()).as("1 ms before retryAfter %d ms", waitMs).isFalse();
        assertThat(early.retryAfterMs()).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(backend.checkAndIncrement(key, buckets, cost).allowed())
                .as("after retryAfter %d ms", waitMs).isTrue();
    }

    /** Asserts every field of {@code result} but the limit. */
    protected static void assertResult(BackendResult result, boolean allowed, long remaining, long resetMs,
                                       long retryAfterMs) {
        assertThat(result).extracting(BackendResult::allowed, BackendResult::remaining, BackendResult::resetMs,
                        BackendResult::retryAfterMs)
                .containsExactly(allowed, remaining, resetMs, retryAfterMs);
    }

    // ---------------------------------------------------------------- other rates on one key

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void otherRatesOnOneKeyAreCountedApart(Algorithm algorithm) {
        BucketConfig strict = bucket("2/min", algorithm);
        BucketConfig generous = bucket("100/min", algorithm);
        int strictAllowed = 0;
        int generousAllowed = 0;
        for (int i = 0; i < 50; i++) {
            strictAllowed += backend.checkAndIncrement(KEY, strict, 1).allowed() ? 1 : 0;
            generousAllowed += backend.checkAndIncrement(KEY, List.of(generous), 1).allowed() ? 1 : 0;
        }
        assertThat(strictAllowed).isEqualTo(2);
        assertThat(generousAllowed).isEqualTo(50);
        backend.refund(KEY, List.of(strict), 1);
        assertThat(backend.checkAndIncrement(KEY, strict, 1).allowed()).as("the refunded unit").isTrue();
        backend.reset(KEY, List.of(generous));
        assertThat(backend.checkAndIncrement(KEY, generous, 1).remaining()).as("forgotten").isEqualTo(99);
        assertThat(backend.checkAndIncrement(KEY, strict, 1).allowed()).as("the other rate kept").isFalse();
    }

    // ---------------------------------------------------------------- the clock stepping back

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void afterTheClockStepsBackRetryAfterIsTheWaitOnTheClock(Algorithm algorithm) {
        BucketConfig bucket = bucket("1/s", algorithm);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isTrue();
        clock.advanceMillis(500);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).isFalse();

        clock.advanceMillis(-300); // the system clock is set back
        BackendResult blocked = backend.checkAndIncrement(KEY, bucket, 1);
        assertThat(blocked.allowed()).isFalse();
        long retryAfterMs = blocked.retryAfterMs();
        clock.advanceMillis(retryAfterMs - 1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).as("1 ms before the wait said").isFalse();
        clock.advanceMillis(1);
        assertThat(backend.checkAndIncrement(KEY, bucket, 1).allowed()).as("when the wait said, %d ms", retryAfterMs).isTrue();
    }

    // ---------------------------------------------------------------- peek (skipped for backends that cannot)

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekReportsWhatTheNextCheckSees(Algorithm algorithm) {
        List<BucketConfig> buckets = buckets("5/min", algorithm);
        for (int i = 0; i < 8; i++) {
            BackendResult peeked = peekOrSkip(KEY, buckets);
            BackendResult checked = backend.checkAndIncrement(KEY, buckets, 1);
            assertThat(peeked.limit()).as("limit before check %d", i).isEqualTo(checked.limit());
            assertThat(peeked.allowed()).as("would pass, before check %d", i).isEqualTo(checked.allowed());
            if (checked.allowed()) {
                assertThat(checked.remaining()).as("remaining after check %d", i).isEqualTo(peeked.remaining() - 1);
                assertThat(peeked.retryAfterMs()).isZero();
            } else {
                assertThat(peeked.remaining()).as("free, before blocked check %d", i).isEqualTo(checked.remaining());
                assertThat(peeked.retryAfterMs()).as("wait, before blocked check %d", i).isEqualTo(checked.retryAfterMs());
                assertThat(peeked.resetMs()).isEqualTo(checked.resetMs());
            }
            clock.advanceMillis(7);
        }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekNeverConsumes(Algorithm algorithm) {
        List<BucketConfig> buckets = buckets("5/min", algorithm);
        for (int i = 0; i < 3; i++) {
            backend.checkAndIncrement(KEY, buckets, 1);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(peekOrSkip(KEY, buckets).remaining()).isEqualTo(2);
        }
        assertThat(backend.checkAndIncrement(KEY, buckets, 1).allowed()).isTrue();
        assertThat(backend.checkAndIncrement(KEY, buckets, 1).allowed()).isTrue();
        assertThat(backend.checkAndIncrement(KEY, buckets, 1).allowed()).isFalse();
        for (int i = 0; i < 50; i++) {
            BackendResult peeked = peekOrSkip(KEY, buckets);
            assertThat(peeked.allowed()).isFalse();
            assertThat(peeked.remaining()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekOfAnUnknownKeyReportsTheFullLimitAndCreatesNothing(Algorithm algorithm) {
        List<BucketConfig> buckets = buckets("5/min", algorithm);
        BackendResult peeked = peekOrSkip(OTHER_IP_KEY, buckets);
        assertThat(peeked.allowed()).isTrue();
        assertThat(peeked.limit()).isEqualTo(5);
        assertThat(peeked.remaining()).isEqualTo(5);
        assertThat(peeked.retryAfterMs()).isZero();
        assertThat(peeked.resetMs()).as("whole already").isLessThanOrEqualTo(T0);
        assertThat(backend.checkAndIncrement(OTHER_IP_KEY, buckets, 1).remaining()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekOfSeveralRatesReportsTheMostRestrictiveBucket(Algorithm algorithm) {
        List<BucketConfig> buckets = buckets("3/s;5/min", algorithm);
        BackendResult fresh = peekOrSkip(KEY, buckets);
        assertThat(fresh.limit()).as("fewest free: the 3/s bucket").isEqualTo(3);
        assertThat(fresh.remaining()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(backend.checkAndIncrement(KEY, buckets, 1).allowed()).isTrue();
        }
        BackendResult spent = peekOrSkip(KEY, buckets);
        BackendResult blocked = backend.checkAndIncrement(KEY, buckets, 1);
        assertThat(blocked.allowed()).isFalse();
        assertThat(spent.allowed()).isFalse();
        assertThat(spent.limit()).as("the bucket waited for").isEqualTo(blocked.limit()).isEqualTo(3);
        assertThat(spent.bucketIndex()).isEqualTo(blocked.bucketIndex()).isZero();
        assertThat(spent.retryAfterMs()).isEqualTo(blocked.retryAfterMs());

        clock.advanceMillis(blocked.retryAfterMs() + 1000); // the 3/s bucket is whole again, the minute is not
        BackendResult later = peekOrSkip(KEY, buckets);
        assertThat(later.allowed()).isTrue();
        assertThat(later.limit()).as("now the 5/min bucket has fewest free").isEqualTo(5);
        assertThat(later.remaining()).isEqualTo(2);
        assertThat(later.bucketIndex()).isEqualTo(1);
        BackendResult checked = backend.checkAndIncrement(KEY, buckets, 1);
        assertThat(checked.limit()).isEqualTo(5);
        assertThat(checked.remaining()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekAfterACostlyCheckReportsTheUnitsFree(Algorithm algorithm) {
        List<BucketConfig> buckets = buckets("10/min", algorithm);
        backend.checkAndIncrement(KEY, buckets, 4);
        assertThat(peekOrSkip(KEY, buckets).remaining()).isEqualTo(6);
        assertThat(backend.checkAndIncrement(KEY, buckets, 6).remaining()).isZero();
        BackendResult spent = peekOrSkip(KEY, buckets);
        assertThat(spent.allowed()).isFalse();
        assertThat(spent.remaining()).isZero();
        assertThat(spent.retryAfterMs()).isEqualTo(backend.checkAndIncrement(KEY, buckets, 1).retryAfterMs());
    }

    /** {@link Backend#peek}, or the test skipped for a backend that does not implement it. */
    protected BackendResult peekOrSkip(String key, List<BucketConfig> buckets) {
        try {
            return backend.peek(key, buckets);
        } catch (UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort(backend.getClass().getSimpleName() + " cannot peek");
            throw e;
        }
    }

    protected static BucketConfig bucket(String rate, Algorithm algorithm) {
        return buckets(rate, algorithm).get(0);
    }

    protected static List<BucketConfig> buckets(String rates, Algorithm algorithm) {
        List<BucketConfig> buckets = new ArrayList<>();
        for (Rate rate : Rate.parse(rates)) {
            buckets.add(BucketConfig.of(rate, algorithm));
        }
        return List.copyOf(buckets);
    }
}
