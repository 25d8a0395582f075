package io.fastlimit.backends;

/**
 * The answer of a backend to one check.
 *
 * @param allowed      whether the request fits; a blocked request consumed nothing
 * @param limit        the capacity of the bucket this result describes
 * @param remaining    units left after this request; when blocked, the units still free (fewer than the cost)
 * @param resetMs      epoch millisecond at which the bucket is whole again
 * @param retryAfterMs when blocked, the exact wait until a request of the same cost would pass; 0 when allowed
 * @param bucketIndex  the position, in the list of buckets checked, of the bucket this result describes
 *                     (0 for a check of one bucket), or {@link #UNKNOWN_BUCKET}; several buckets may share
 *                     a limit, so only the position tells which one it is
 */
public record BackendResult(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs,
                            int bucketIndex) {

    /** The {@link #bucketIndex()} of a result that does not say which bucket it describes. */
    public static final int UNKNOWN_BUCKET = -1;

    /** Checks that {@code bucketIndex} is a position or {@link #UNKNOWN_BUCKET}. */
    public BackendResult {
        if (bucketIndex < UNKNOWN_BUCKET) {
            throw new IllegalArgumentException("Invalid bucket index " + bucketIndex
                    + ": expected the position of the bucket in the list checked, or " + UNKNOWN_BUCKET + " when unknown");
        }
    }

    /**
     * A result that does not say which of the buckets checked it describes, for backends that do not
     * know; the limiter then finds the bucket by its limit.
     */
    public BackendResult(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs) {
        this(allowed, limit, remaining, resetMs, retryAfterMs, UNKNOWN_BUCKET);
    }
}
