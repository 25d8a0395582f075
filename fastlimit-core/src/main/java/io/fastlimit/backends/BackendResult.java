package io.fastlimit.backends;

/**
 * The answer of a backend to one check.
 *
 * @param allowed      whether the request fits; a blocked request consumed nothing
 * @param limit        the capacity of the bucket this result describes
 * @param remaining    units left after this request; when blocked, the units still free (fewer than the cost)
 * @param resetMs      epoch millisecond at which the bucket is whole again
 * @param retryAfterMs when blocked, the exact wait until a request of the same cost would pass; 0 when allowed
 */
public record BackendResult(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs) {
}
