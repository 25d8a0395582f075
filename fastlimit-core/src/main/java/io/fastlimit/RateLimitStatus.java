package io.fastlimit;

import io.fastlimit.rules.Scope;

/**
 * Where a client stands on one rule, as {@link FastLimit#peek} finds it without consuming anything:
 * the bucket a request of this client would count against now. A plain value.
 *
 * @param ruleName     the rule's name
 * @param scope        whose bucket it is ({@link Scope#USER}, {@link Scope#HEADER}, {@link Scope#IP}), or
 *                     {@code null} when the rule does not limit this client (exempt, or no rate for it)
 * @param limit        the capacity of the most restrictive bucket; 0 when not limited
 * @param remaining    units free now: a request of cost {@code c} would pass while {@code c <= remaining}
 *                     (the sliding-window counter rounds its estimate the same way)
 * @param resetMs      epoch millisecond at which that bucket is whole again (now, when it already is)
 * @param retryAfterMs the wait until a request of cost 1 would pass; 0 when one would pass now
 */
public record RateLimitStatus(String ruleName, Scope scope, long limit, long remaining, long resetMs,
                              long retryAfterMs) {

    /** Whether the rule limits this client: {@code false} for an exempt client or a rule with no rate for it. */
    public boolean limited() {
        return scope != null;
    }

    /** {@link #resetMs()} in epoch seconds, rounded up, as {@code X-RateLimit-Reset} sends it. */
    public long resetEpochSeconds() {
        return HeaderStyle.ceilSeconds(resetMs);
    }
}
