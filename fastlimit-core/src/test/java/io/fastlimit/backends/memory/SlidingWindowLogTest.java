package io.fastlimit.backends.memory;

import io.fastlimit.Algorithm;
import io.fastlimit.rules.BucketConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring buffer of the sliding log: it grows only as needed, and gives memory back. */
class SlidingWindowLogTest {

    private static final long T0 = 1_000_000L;

    @Test
    void requestsOfOneMillisecondShareAnEntry() {
        SlidingWindowLog log = new SlidingWindowLog(new BucketConfig(1000, Duration.ofSeconds(1), Algorithm.SLIDING_WINDOW));
        for (int i = 0; i < 1000; i++) {
            log.advance(T0);
            assertThat(log.retryAfterMs(T0, 1)).isZero();
            log.consume(T0, 1);
        }
        assertThat(log.capacity()).isEqualTo(SlidingWindowLog.INITIAL_CAPACITY);
        assertThat(log.available(T0)).isZero();
        assertThat(log.retryAfterMs(T0, 1)).isEqualTo(1000);
    }

    @Test
    void growsToTheBoundThenShrinksWhenTheWindowEmpties() {
        SlidingWindowLog log = new SlidingWindowLog(new BucketConfig(100, Duration.ofSeconds(10), Algorithm.SLIDING_WINDOW));
        for (int i = 0; i < 100; i++) {
            log.advance(T0 + i);
            log.consume(T0 + i, 1);
        }
        assertThat(log.capacity()).as("never more than the limit").isEqualTo(100);
        assertThat(log.retryAfterMs(T0 + 99, 1)).isEqualTo(10_000 - 99);

        // Entries leave and arrive one by one: the ring wraps around without growing.
        for (int i = 0; i < 100; i++) {
            long nowMs = T0 + 10_000 + i;
            log.advance(nowMs);
            assertThat(log.retryAfterMs(nowMs, 1)).isZero();
            log.consume(nowMs, 1);
            assertThat(log.retryAfterMs(nowMs, 1)).isEqualTo(nowMs >= T0 + 10_099 ? 10_000 - 99 : 1);
        }
        assertThat(log.capacity()).isEqualTo(100);

        log.advance(T0 + 30_000);
        assertThat(log.capacity()).as("an empty log holds no arrays").isZero();
        assertThat(log.idleAtMs()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void halvesWhenMostlyEmpty() {
        SlidingWindowLog log = new SlidingWindowLog(new BucketConfig(64, Duration.ofSeconds(1), Algorithm.SLIDING_WINDOW));
        for (int i = 0; i < 64; i++) {
            log.advance(T0 + i);
            log.consume(T0 + i, 1);
        }
        assertThat(log.capacity()).isEqualTo(64);
        log.advance(T0 + 1000 + 55); // 8 entries left
        assertThat(log.capacity()).isEqualTo(32);
        assertThat(log.available(T0 + 1055)).isEqualTo(64 - 8);
        assertThat(log.resetMs(T0 + 1055)).isEqualTo(T0 + 63 + 1000);
    }
}
