package io.fastlimit.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, so tests of time-dependent behaviour never sleep.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * MemoryBackend backend = MemoryBackend.builder().clock(clock).build();
 * clock.advance(Duration.ofSeconds(61));
 * }</pre>
 *
 * This class is thread-safe.
 */
public final class ManualClock extends Clock {

    /** A fixed, unremarkable start: 2030-01-01T00:00:00Z plus 123 ms, so windows do not start aligned. */
    public static final long DEFAULT_START_MS = 1_893_456_000_123L;

    private final AtomicLong nowMs;

    public ManualClock() {
        this(DEFAULT_START_MS);
    }

    public ManualClock(long startEpochMs) {
        this.nowMs = new AtomicLong(startEpochMs);
    }

    /** Moves time forward (or back, with a negative duration). */
    public ManualClock advance(Duration duration) {
        nowMs.addAndGet(duration.toMillis());
        return this;
    }

    /** Moves time forward by {@code ms} milliseconds. */
    public ManualClock advanceMillis(long ms) {
        nowMs.addAndGet(ms);
        return this;
    }

    /** Sets the time to {@code epochMs}. */
    public ManualClock set(long epochMs) {
        nowMs.set(epochMs);
        return this;
    }

    @Override
    public long millis() {
        return nowMs.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
