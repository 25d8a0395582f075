package io.fastlimit.spring;

import io.fastlimit.micrometer.FastLimitMetrics;

/**
 * The limiter's meters as bound to the application's registry, unbound when the context closes. A
 * bean of its own type, not a {@code MeterBinder}, so the meters are bound once, to one registry.
 */
final class LimiterMeters implements AutoCloseable {

    /** {@code null} when the application has no registry, or several and none primary. */
    private final FastLimitMetrics bound;

    LimiterMeters(FastLimitMetrics bound) {
        this.bound = bound;
    }

    @Override
    public void close() {
        if (bound != null) {
            bound.close();
        }
    }
}
