package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.rules.BucketConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The limiter's answer for one request: whether it may go on, what is left, and the response
 * headers that say so. Immutable and thread-safe.
 *
 * <p>A decision that did not limit the request (an exempt client, a rule with no bucket for this
 * kind of client, a backend failure under {@link FailurePolicy#OPEN}) is allowed and carries no
 * headers: {@link #limited()} is {@code false}.
 */
public final class RateLimitDecision {

    private static final RateLimitDecision UNLIMITED =
            new RateLimitDecision(true, false, false, 0, 0, 0, 0, null, 0, HeaderStyle.none(), 0, null, null, null, 0);

    private final boolean allowed;
    private final boolean limited;
    private final boolean wouldHaveBlocked;
    private final long limit;
    private final long remaining;
    private final long resetMs;
    private final long retryAfterMs;
    private final String ruleName;
    private final long windowMillis;
    private final HeaderStyle headerStyle;
    private final long decidedAtMs;
    /** Where this decision consumed units, so they can be given back if another rule blocks; else null. */
    final Backend consumedFrom;
    final String consumedKey;
    final List<BucketConfig> consumedBuckets;
    final int consumedCost;
    /** Another bucket the same check consumed from (an IP ceiling), given back with this one; else null. */
    final RateLimitDecision alsoConsumed;

    RateLimitDecision(boolean allowed, boolean limited, boolean wouldHaveBlocked, long limit, long remaining,
                      long resetMs, long retryAfterMs, String ruleName, long windowMillis,
                      HeaderStyle headerStyle, long decidedAtMs,
                      Backend consumedFrom, String consumedKey, List<BucketConfig> consumedBuckets, int consumedCost) {
        this(allowed, limited, wouldHaveBlocked, limit, remaining, resetMs, retryAfterMs, ruleName, windowMillis,
                headerStyle, decidedAtMs, consumedFrom, consumedKey, consumedBuckets, consumedCost, null);
    }

    private RateLimitDecision(boolean allowed, boolean limited, boolean wouldHaveBlocked, long limit, long remaining,
                              long resetMs, long retryAfterMs, String ruleName, long windowMillis,
                              HeaderStyle headerStyle, long decidedAtMs, Backend consumedFrom, String consumedKey,
                              List<BucketConfig> consumedBuckets, int consumedCost, RateLimitDecision alsoConsumed) {
        this.allowed = allowed;
        this.limited = limited;
        this.wouldHaveBlocked = wouldHaveBlocked;
        this.limit = limit;
        this.remaining = remaining;
        this.resetMs = resetMs;
        this.retryAfterMs = retryAfterMs;
        this.ruleName = ruleName;
        this.windowMillis = windowMillis;
        this.headerStyle = headerStyle;
        this.decidedAtMs = decidedAtMs;
        this.consumedFrom = consumedFrom;
        this.consumedKey = consumedKey;
        this.consumedBuckets = consumedBuckets;
        this.consumedCost = consumedCost;
        this.alsoConsumed = alsoConsumed;
    }

    /** This decision, remembering that {@code other}, of the same check, consumed too. */
    RateLimitDecision alsoConsumed(RateLimitDecision other) {
        return new RateLimitDecision(allowed, limited, wouldHaveBlocked, limit, remaining, resetMs, retryAfterMs,
                ruleName, windowMillis, headerStyle, decidedAtMs, consumedFrom, consumedKey, consumedBuckets,
                consumedCost, other);
    }

    /** The decision for a request no rule limits. */
    static RateLimitDecision unlimited() {
        return UNLIMITED;
    }

    /** Whether the request may go on. Always {@code true} in dry-run mode. */
    public boolean allowed() {
        return allowed;
    }

    /** Whether a bucket was checked for this request; only then are headers written. */
    public boolean limited() {
        return limited;
    }

    /** In dry-run mode: the request was let through but would have been blocked. */
    public boolean wouldHaveBlocked() {
        return wouldHaveBlocked;
    }

    /** The capacity of the most restrictive bucket. */
    public long limit() {
        return limit;
    }

    /** Units left in the most restrictive bucket after this request. */
    public long remaining() {
        return remaining;
    }

    /** Epoch millisecond at which the most restrictive bucket is whole again. */
    public long resetMs() {
        return resetMs;
    }

    /** {@link #resetMs()} in epoch seconds, rounded up, as {@code X-RateLimit-Reset} sends it. */
    public long resetEpochSeconds() {
        return HeaderStyle.ceilSeconds(resetMs);
    }

    /** When blocked, the wait in milliseconds until a request of the same cost would pass; otherwise 0. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** When blocked, the wait in whole seconds, rounded up and never 0, as {@code Retry-After} sends it. */
    public long retryAfterSeconds() {
        return allowed ? 0 : Math.max(1, HeaderStyle.ceilSeconds(retryAfterMs));
    }

    /** The name of the rule that decided, or {@code null} when none did. */
    public String ruleName() {
        return ruleName;
    }

    /** The window of the most restrictive bucket, in milliseconds. */
    public long windowMillis() {
        return windowMillis;
    }

    /**
     * Whether this decision should be reported rather than {@code other} when both apply to one
     * request: it limited the request, and has fewer units left, or as many and a later reset.
     */
    public boolean isTighterThan(RateLimitDecision other) {
        if (!limited) {
            return false;
        }
        if (!other.limited) {
            return true;
        }
        if (remaining != other.remaining) {
            return remaining < other.remaining;
        }
        return resetMs > other.resetMs;
    }

    /** Hands each response header of this decision to {@code sink}, e.g. {@code response::setHeader}. */
    public void forEachHeader(BiConsumer<String, String> sink) {
        headerStyle.write(this, decidedAtMs, sink);
    }

    /** The response headers of this decision, in the order they should be sent. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        forEachHeader(headers::put);
        return headers;
    }

    /** {@code Rate limit exceeded. Try again in 41s.} */
    public String errorMessage() {
        return "Rate limit exceeded. Try again in " + retryAfterSeconds() + "s.";
    }

    /**
     * The JSON body of a 429 answer:
     * {@code {"detail": "Rate limit exceeded. Try again in 41s.", "retry_after": 41}}.
     */
    public String errorBody() {
        return "{\"detail\": \"" + errorMessage() + "\", \"retry_after\": " + retryAfterSeconds() + "}";
    }

    @Override
    public String toString() {
        if (!limited) {
            return "RateLimitDecision[unlimited]";
        }
        return "RateLimitDecision[" + (allowed ? (wouldHaveBlocked ? "would have blocked" : "allowed") : "blocked")
                + " rule=" + ruleName + " limit=" + limit + " remaining=" + remaining + " resetMs=" + resetMs
                + " retryAfterMs=" + retryAfterMs + "]";
    }
}
