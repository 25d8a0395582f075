package io.fastlimit;

import java.util.Locale;

/**
 * How a bucket counts requests within its window.
 *
 * <table>
 *   <caption>How each algorithm behaves</caption>
 *   <tr><th>algorithm</th><th>at a window boundary</th><th>state per key</th></tr>
 *   <tr><td>{@link #SLIDING_WINDOW}</td><td>exact: never more than {@code limit} in any
 *       window-long span</td><td>one entry per millisecond with requests in the window, at most 1000;
 *       above {@link io.fastlimit.rules.BucketConfig#SLIDING_LOG_EXACT_LIMIT 1000 per window}, one
 *       per slot of window / 1000, at most 1001</td></tr>
 *   <tr><td>{@link #FIXED_WINDOW}</td><td>a client may spend {@code limit} just before the boundary
 *       and {@code limit} again just after it</td><td>one counter</td></tr>
 *   <tr><td>{@link #TOKEN_BUCKET}</td><td>no boundary: tokens refill continuously at
 *       {@code limit / window}; a full bucket allows a burst of {@code limit}</td><td>one timestamp</td></tr>
 *   <tr><td>{@link #SLIDING_WINDOW_COUNTER}</td><td>approximate: weighs the previous window's count
 *       by how much of it still overlaps</td><td>two counters</td></tr>
 * </table>
 */
public enum Algorithm {
    /**
     * Sliding log: the default. Exact up to {@link io.fastlimit.rules.BucketConfig#SLIDING_LOG_EXACT_LIMIT}
     * per window; above, requests are logged in slots of window / 1000 and may be held back up to a slot
     * longer, never admitted beyond the limit.
     */
    SLIDING_WINDOW,
    /** Counter reset at each window boundary aligned to the epoch. */
    FIXED_WINDOW,
    /** Continuous refill, expressed as the generic cell rate algorithm (GCRA). */
    TOKEN_BUCKET,
    /** The two-counter weighted approximation of a sliding window, O(1) memory. */
    SLIDING_WINDOW_COUNTER;

    /**
     * Parses an algorithm name as written in configuration: {@code sliding_window},
     * {@code sliding-window}, {@code SLIDING_WINDOW} and the like.
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static Algorithm parse(String name) {
        if (name != null) {
            String normalised = name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            for (Algorithm algorithm : values()) {
                if (algorithm.name().equals(normalised)) {
                    return algorithm;
                }
            }
        }
        throw new IllegalArgumentException("Unknown algorithm '" + name
                + "': expected one of sliding_window, fixed_window, token_bucket, sliding_window_counter");
    }
}
