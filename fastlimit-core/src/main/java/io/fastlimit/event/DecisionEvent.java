package io.fastlimit.event;

import io.fastlimit.FailurePolicy;
import io.fastlimit.rules.Scope;

/**
 * One bucket consulted for one request, or a request let through as exempt. A request limited by
 * several rules, or by an own bucket and an IP ceiling, gives one event per bucket consulted.
 *
 * @param ruleName      the rule's name, from configuration: bounded, fit for a metric tag
 * @param scope         whose bucket it was: {@link Scope#USER}, {@link Scope#HEADER} or {@link Scope#IP};
 *                      exempt clients are recognised by their IP, so {@link Scope#IP} for them
 * @param outcome       what the limiter decided
 * @param limit         the capacity of the bucket the decision describes; 0 when no bucket was
 *                      consulted (exempt, or let through by {@link FailurePolicy#OPEN})
 * @param remaining     units left after this request (when blocked: units still free); 0 when none consulted
 * @param resetMs       epoch millisecond at which that bucket is whole again; 0 when none consulted
 * @param retryAfterMs  when blocked, the wait until a request of the same cost would pass; else 0
 * @param cost          units the request asked for
 * @param backendNanos  how long the backend's call took, failed calls included, in nanoseconds;
 *                      -1 when the backend was not called (exempt) or no listener asked for it
 *                      ({@link RateLimitListener#timesBackend()})
 * @param failurePolicy the policy that answered because the backend failed, or {@code null} when
 *                      the backend decided
 * @param key           the bucket's key, {@code <prefix>:<rule>:<scope>:{<id>}}, or {@code null} for
 *                      an exempt request. It names the client (user, API key or address, digested
 *                      when long): for logs and audits only, never a metric tag
 */
public record DecisionEvent(String ruleName, Scope scope, Outcome outcome, long limit, long remaining, long resetMs,
                            long retryAfterMs, int cost, long backendNanos, FailurePolicy failurePolicy, String key) {

    /** What the limiter decided for one bucket. */
    public enum Outcome {
        /** The request fits and was counted. */
        ALLOWED,
        /** The request was turned away. */
        BLOCKED,
        /**
         * The bucket would have turned the request away, but the rule is in dry run: it was let
         * through and counted nothing. Told per rule, so a rule in dry run among enforced ones
         * reports it alone.
         */
        WOULD_HAVE_BLOCKED,
        /** The client is exempt ({@code exemptIps}): no bucket was consulted. */
        EXEMPT;

        /** The outcome as metrics tag it: {@code allowed}, {@code blocked}, {@code would_have_blocked}, {@code exempt}. */
        public String tagValue() {
            return switch (this) {
                case ALLOWED -> "allowed";
                case BLOCKED -> "blocked";
                case WOULD_HAVE_BLOCKED -> "would_have_blocked";
                case EXEMPT -> "exempt";
            };
        }
    }

    /** Whether the limiter's failure policy decided, because the backend failed. */
    public boolean decidedByFailurePolicy() {
        return failurePolicy != null;
    }
}
