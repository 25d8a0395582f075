package io.fastlimit.examples.docs;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;

import java.util.ArrayList;
import java.util.List;

/**
 * How each algorithm behaves at a window boundary: the table of docs/algorithms.md, computed. A
 * client allowed {@code 10/min} sends bursts of 10 requests at given offsets from the start of a
 * minute; the result is how many of each burst pass.
 */
public final class AlgorithmBoundary {

    /** 2030-01-01T00:00:00Z: the start of a minute, so fixed windows begin at offset 0. */
    static final long START_MS = 1_893_456_000_000L;

    private AlgorithmBoundary() {
    }

    // tag::scenario[]
    /** How many requests of each burst of {@code burst} pass under {@code algorithm}, the bursts sent at {@code offsetsMs}. */
    public static List<Integer> allowedPerBurst(Algorithm algorithm, int burst, long... offsetsMs) {
        ManualClock clock = new ManualClock(START_MS);
        RateLimitRule rule = RateLimitRule.builder("demo").ip("10/min").algorithm(algorithm).build();
        List<Integer> allowed = new ArrayList<>();
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {   // memory backend on this clock
            for (long offsetMs : offsetsMs) {
                clock.set(START_MS + offsetMs);
                int passed = 0;
                for (int i = 0; i < burst; i++) {
                    if (limiter.check(rule, ClientRequest.of("203.0.113.7")).allowed()) {
                        passed++;
                    }
                }
                allowed.add(passed);
            }
        }
        return allowed;
    }
    // end::scenario[]

    /** Prints the table of docs/algorithms.md. */
    public static void main(String[] args) {
        long[] offsets = {59_000, 60_000, 90_000, 119_000, 120_000};
        for (Algorithm algorithm : Algorithm.values()) {
            System.out.println(algorithm + " " + allowedPerBurst(algorithm, 10, offsets));
        }
    }
}
