package io.fastlimit;

import io.fastlimit.backends.BackendResult;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The limiter's answer for one request: whether it may go on, what is left, and the response
 * headers that say so. A plain value: immutable and thread-safe. What a check consumed, and how to
 * give it back, is the {@link Consumption} that carries this decision.
 *
 * <p>A decision that did not limit the request (an exempt client, a rule with no bucket for this
 * kind of client, a backend failure under {@link FailurePolicy#OPEN}) is allowed and carries no
 * headers: {@link #bucketChecked()} is {@code false}.
 */
public final class RateLimitDecision {

    /**
     * The request attribute (in JAX-RS, the request property) holding the decision whose headers the
     * response carries: the tightest of the limits the request passed, or the one that blocked it.
     * Every adapter of one request reads and writes the same one, so a {@code FastLimitFilter} and a
     * {@code @RateLimit} behind it report together; see {@link Consumption#recordInRequest}.
     */
    public static final String REQUEST_ATTRIBUTE = "io.fastlimit.RateLimitDecision";

    private static final RateLimitDecision UNLIMITED =
            new RateLimitDecision(true, false, false, 0, 0, 0, 0, null, 0, HeaderStyle.none(), 0);

    private final boolean allowed;
    private final boolean bucketChecked;
    private final boolean wouldHaveBlocked;
    private final long limit;
    private final long remaining;
    private final long resetMs;
    private final long retryAfterMs;
    private final String ruleName;
    private final long windowMillis;
    private final HeaderStyle headerStyle;
    private final long decidedAtMs;

    private RateLimitDecision(boolean allowed, boolean bucketChecked, boolean wouldHaveBlocked, long limit,
                              long remaining, long resetMs, long retryAfterMs, String ruleName, long windowMillis,
                              HeaderStyle headerStyle, long decidedAtMs) {
        this.allowed = allowed;
        this.bucketChecked = bucketChecked;
        this.wouldHaveBlocked = wouldHaveBlocked;
        this.limit = limit;
        this.remaining = remaining;
        this.resetMs = resetMs;
        this.retryAfterMs = retryAfterMs;
        this.ruleName = ruleName;
        this.windowMillis = windowMillis;
        this.headerStyle = headerStyle;
        this.decidedAtMs = decidedAtMs;
    }

    /** The decision for a request no rule limits: allowed, no headers. */
    static RateLimitDecision unlimited() {
        return UNLIMITED;
    }

    /**
     * Rule {@code ruleName} let the request through; {@code result} describes its tightest bucket,
     * whose window is {@code windowMillis}. Headers in {@code headerStyle}, timed from {@code decidedAtMs}.
     */
    static RateLimitDecision allowed(String ruleName, BackendResult result, long windowMillis, HeaderStyle headerStyle,
                                     long decidedAtMs) {
        return new RateLimitDecision(true, true, false, result.limit(), result.remaining(), result.resetMs(), 0,
                ruleName, windowMillis, headerStyle, decidedAtMs);
    }

    /** Rule {@code ruleName} turned the request away; {@code result} describes the bucket to wait for. */
    static RateLimitDecision blocked(String ruleName, BackendResult result, long windowMillis, HeaderStyle headerStyle,
                                     long decidedAtMs) {
        return new RateLimitDecision(false, true, false, result.limit(), result.remaining(), result.resetMs(),
                Math.max(1, result.retryAfterMs()), ruleName, windowMillis, headerStyle, decidedAtMs);
    }

    /**
     * In dry-run mode, rule {@code ruleName} would have turned the request away: it is let through,
     * reporting no units left, and consumed nothing.
     */
    static RateLimitDecision wouldHaveBlocked(String ruleName, BackendResult result, long windowMillis,
                                              HeaderStyle headerStyle, long decidedAtMs) {
        return new RateLimitDecision(true, true, true, result.limit(), 0, result.resetMs(), 0, ruleName, windowMillis,
                headerStyle, decidedAtMs);
    }

    /**
     * The decision to report when the request passes both {@code earlier} and {@code later}: the
     * first that blocked, else the tighter ({@link #isTighterThan}), else {@code earlier}.
     */
    static RateLimitDecision reportedOf(RateLimitDecision earlier, RateLimitDecision later) {
        if (!earlier.allowed) {
            return earlier;
        }
        if (!later.allowed || later.isTighterThan(earlier)) {
            return later;
        }
        return earlier;
    }

    /** Whether the request may go on. Always {@code true} in dry-run mode. */
    public boolean allowed() {
        return allowed;
    }

    /**
     * Whether a bucket was checked for this request, so that the headers apply; {@code false} for a
     * request no rule limited, which gets no headers. Not whether it was blocked: see {@link #allowed()}.
     */
    public boolean bucketChecked() {
        return bucketChecked;
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
     * request: a bucket was checked for it, and it has fewer units left, or as many and a later reset.
     */
    public boolean isTighterThan(RateLimitDecision other) {
        if (!bucketChecked) {
            return false;
        }
        if (!other.bucketChecked) {
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
        if (!bucketChecked) {
            return "RateLimitDecision[unlimited]";
        }
        return "RateLimitDecision[" + (allowed ? (wouldHaveBlocked ? "would have blocked" : "allowed") : "blocked")
                + " rule=" + ruleName + " limit=" + limit + " remaining=" + remaining + " resetMs=" + resetMs
                + " retryAfterMs=" + retryAfterMs + "]";
    }
}
