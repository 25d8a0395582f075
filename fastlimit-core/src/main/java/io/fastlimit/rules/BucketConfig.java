package io.fastlimit.rules;

import io.fastlimit.Algorithm;

import java.time.Duration;
import java.util.Objects;

/**
 * One bucket a backend keeps per key: how many requests fit in which window, counted by which
 * algorithm. Immutable; build once, at start-up, and reuse for every request.
 */
public final class BucketConfig {

    /**
     * The largest limit for which a {@link Algorithm#SLIDING_WINDOW} log is exact to the millisecond;
     * above it, the log coalesces units into time slots so that its size per key stays bounded
     * whatever the limit. Every backend applies this same rule, so they answer alike step by step:
     *
     * <ul>
     *   <li>The log is a list of entries, each with a start (the time of its first unit), a stamp (the
     *       time of its latest unit) and a unit count. Its slot width is
     *       {@link #slidingLogSlotMillis()}: 1 ms when {@code limit <= SLIDING_LOG_EXACT_LIMIT},
     *       otherwise {@code g = ceil(windowMillis / SLIDING_LOG_EXACT_LIMIT)} ms.</li>
     *   <li>Units admitted at time {@code t} join the newest entry when {@code t < newest.start + g}
     *       (its stamp becomes {@code t}); otherwise they open a new entry with
     *       {@code start = stamp = t}. With {@code g = 1} this is the exact log: units share an entry
     *       only within one millisecond.</li>
     *   <li>Every unit of an entry leaves the window at {@code stamp + windowMillis}. The units
     *       counted, the remaining, the retry-after and the reset are computed from stamps alone, as
     *       for the exact log.</li>
     *   <li>A refund takes units from the newest entries first, dropping entries left empty.</li>
     * </ul>
     *
     * <p>So a log holds at most {@code SLIDING_LOG_EXACT_LIMIT + 1} entries, whatever the limit: entry
     * starts lie at least {@code g} ms apart, and the entries still in the window started less than a
     * window plus a slot ago. No window ever holds more than the limit: a unit is counted from its own
     * time until at least its exact expiry, and at most {@code g - 1} ms longer, so a client may be
     * held back up to {@code g - 1} ms longer than by the exact log (3599 ms for
     * {@code 1000000/hour}, whose slots are 3600 ms wide; 0 when {@code g = 1}).
     */
    public static final int SLIDING_LOG_EXACT_LIMIT = 1000;

    private final long limit;
    private final Duration window;
    private final long windowMillis;
    private final Algorithm algorithm;
    /** Cached: a sliding log reads it for every request it admits. */
    private final long slidingLogSlotMillis;
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
        this.slidingLogSlotMillis = limit <= SLIDING_LOG_EXACT_LIMIT
                ? 1
                : (windowMillis + SLIDING_LOG_EXACT_LIMIT - 1) / SLIDING_LOG_EXACT_LIMIT;
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

    /**
     * The slot width of a {@link Algorithm#SLIDING_WINDOW} log of this bucket, as defined at
     * {@link #SLIDING_LOG_EXACT_LIMIT}: 1 ms (exact) when {@code limit <= SLIDING_LOG_EXACT_LIMIT},
     * otherwise {@code ceil(windowMillis / SLIDING_LOG_EXACT_LIMIT)} ms.
     */
    public long slidingLogSlotMillis() {
        return slidingLogSlotMillis;
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
