package io.fastlimit;

import java.util.Locale;

/** What the limiter does when its backend fails (throws or times out). */
public enum FailurePolicy {
    /** Let the request through without rate-limit headers, and log the failure (throttled). */
    OPEN,
    /** Answer 429 with {@code Retry-After: 1}: nothing passes unchecked. */
    CLOSED,
    /**
     * Check the request against the same rule in this process's memory until the backend answers
     * again, so each instance still enforces the limit on its own. The default.
     */
    LOCAL;

    /**
     * Parses {@code open}, {@code closed} or {@code local} (case-insensitive; a {@code fail-}
     * or {@code fail_} prefix is accepted).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static FailurePolicy parse(String value) {
        if (value != null) {
            String s = value.trim().toLowerCase(Locale.ROOT);
            if (s.startsWith("fail-") || s.startsWith("fail_")) {
                s = s.substring(5);
            }
            switch (s) {
                case "open":
                    return OPEN;
                case "closed":
                    return CLOSED;
                case "local":
                    return LOCAL;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("Unknown failure policy '" + value + "': expected open, closed or local");
    }
}
