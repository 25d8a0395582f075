package io.fastlimit;

import io.fastlimit.internal.HeaderNames;

import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Which response headers tell a client its limit.
 *
 * <ul>
 *   <li>{@link #xRateLimit()}, the default: {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining},
 *       {@code X-RateLimit-Reset} (epoch seconds), and {@code Retry-After} (seconds, at least 1) on a
 *       blocked request;</li>
 *   <li>{@link #ietf()}: the IETF draft structured fields
 *       {@code RateLimit-Policy: "name";q=100;w=60} and {@code RateLimit: "name";r=42;t=17}, plus
 *       {@code Retry-After} when blocked;</li>
 *   <li>{@link #custom}: the default fields under other names;</li>
 *   <li>{@link #none()}: no rate-limit fields; a blocked request still carries {@code Retry-After},
 *       which is plain HTTP.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class HeaderStyle {

    private enum Kind { FIELDS, IETF }

    private static final HeaderStyle X_RATELIMIT =
            new HeaderStyle(Kind.FIELDS, "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After");
    private static final HeaderStyle IETF = new HeaderStyle(Kind.IETF, null, null, null, "Retry-After");
    private static final HeaderStyle NONE = new HeaderStyle(Kind.FIELDS, null, null, null, "Retry-After");

    private final Kind kind;
    private final String limitName;
    private final String remainingName;
    private final String resetName;
    private final String retryAfterName;

    private HeaderStyle(Kind kind, String limitName, String remainingName, String resetName, String retryAfterName) {
        this.kind = kind;
        this.limitName = limitName;
        this.remainingName = remainingName;
        this.resetName = resetName;
        this.retryAfterName = retryAfterName;
    }

    /** {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset} and {@code Retry-After}: the default. */
    public static HeaderStyle xRateLimit() {
        return X_RATELIMIT;
    }

    /** The IETF draft {@code RateLimit} and {@code RateLimit-Policy} fields, and {@code Retry-After}. */
    public static HeaderStyle ietf() {
        return IETF;
    }

    /** Only {@code Retry-After} on a blocked request. */
    public static HeaderStyle none() {
        return NONE;
    }

    /**
     * The default fields under other names; a {@code null} name leaves that field out.
     *
     * @throws IllegalArgumentException if a name is not a valid HTTP header name
     */
    public static HeaderStyle custom(String limitName, String remainingName, String resetName, String retryAfterName) {
        return new HeaderStyle(Kind.FIELDS, checkName(limitName), checkName(remainingName), checkName(resetName),
                checkName(retryAfterName));
    }

    /**
     * Parses {@code x-ratelimit}, {@code ietf} or {@code none} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static HeaderStyle parse(String value) {
        String s = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "x-ratelimit":
            case "x_ratelimit":
            case "xratelimit":
                return X_RATELIMIT;
            case "ietf":
                return IETF;
            case "none":
            case "off":
                return NONE;
            default:
                throw new IllegalArgumentException("Unknown header style '" + value + "': expected x-ratelimit, ietf or none");
        }
    }

    private static String checkName(String name) {
        if (name != null && !HeaderNames.isValid(name)) {
            throw new IllegalArgumentException("Invalid header name '" + name + "': expected an HTTP header name");
        }
        return name;
    }

    /** Writes the fields for {@code decision}; nothing when it did not limit the request. */
    void write(RateLimitDecision decision, long nowMs, BiConsumer<String, String> sink) {
        if (!decision.bucketChecked()) {
            return;
        }
        if (kind == Kind.IETF) {
            String policy = '"' + decision.ruleName() + '"';
            sink.accept("RateLimit-Policy", policy + ";q=" + decision.limit() + ";w=" + ceilSeconds(decision.windowMillis()));
            long resetInSeconds = ceilSeconds(Math.max(0, decision.resetMs() - nowMs));
            sink.accept("RateLimit", policy + ";r=" + decision.remaining() + ";t=" + resetInSeconds);
        } else {
            if (limitName != null) {
                sink.accept(limitName, Long.toString(decision.limit()));
            }
            if (remainingName != null) {
                sink.accept(remainingName, Long.toString(decision.remaining()));
            }
            if (resetName != null) {
                sink.accept(resetName, Long.toString(decision.resetEpochSeconds()));
            }
        }
        if (!decision.allowed() && retryAfterName != null) {
            sink.accept(retryAfterName, Long.toString(decision.retryAfterSeconds()));
        }
    }

    static long ceilSeconds(long ms) {
        return ms <= 0 ? 0 : (ms + 999) / 1000;
    }

    @Override
    public String toString() {
        if (this == X_RATELIMIT) {
            return "x-ratelimit";
        }
        if (this == IETF) {
            return "ietf";
        }
        if (this == NONE) {
            return "none";
        }
        return "custom(" + limitName + ", " + remainingName + ", " + resetName + ", " + retryAfterName + ")";
    }
}
