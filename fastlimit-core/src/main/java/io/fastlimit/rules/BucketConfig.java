package io.fastlimit.rules;

import io.fastlimit.Algorithm;

import java.time.Duration;
import java.util.Objects;

/**
 * One bucket a backend keeps per key: how many requests fit in which window, counted by which
 * algorithm. Immutable; build once, at start-up, and reuse for every request.
 */
public final class BucketConfig {

    private final long limit;
    private final Duration window;
    private final long windowMillis;
    private final Algorithm algorithm;
    /** Cached: backends look buckets up by their config on every check. */
    private final int hashCode;

    /**
     * @param limit     requests per window, from 1 to {@link Rate#MAX_LIMIT}
     * @param window    a whole number of milliseconds, from 1 ms to {@link Rate#MAX_WINDOW}
     * @param algorithm how requests are counted
     * @throws IllegalArgumentException naming the value out of range
     */
    public BucketConfig(long limit, Duration window, Algorithm algorithm) {
        Rate checked = new Rate(limit, window); // one place validates limit and window
        this.limit = checked.limit();
        this.window = checked.window();
        this.windowMillis = checked.windowMillis();
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.hashCode = Objects.hash(limit, windowMillis, algorithm);
    }

    /** A bucket for {@code rate} counted by {@code algorithm}. */
    public static BucketConfig of(Rate rate, Algorithm algorithm) {
        return new BucketConfig(rate.limit(), rate.window(), algorithm);
    }

    public long limit() {
        return limit;
    }

    public Duration window() {
        return window;
    }

    public long windowMillis() {
        return windowMillis;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketConfig other
                && limit == other.limit && windowMillis == other.windowMillis && algorithm == other.algorithm;
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    @Override
    public String toString() {
        return new Rate(limit, window) + " " + algorithm.name().toLowerCase(java.util.Locale.ROOT);
    }
}
