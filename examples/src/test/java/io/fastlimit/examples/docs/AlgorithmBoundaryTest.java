package io.fastlimit.examples.docs;

import io.fastlimit.Algorithm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of docs/algorithms.md: bursts of 10 requests under 10/min at 0:59, 1:00, 1:30, 1:59 and 2:00. */
class AlgorithmBoundaryTest {

    private static final long[] OFFSETS_MS = {59_000, 60_000, 90_000, 119_000, 120_000};

    @Test
    void slidingWindowNeverAllowsMoreThanTheLimitInAnyMinute() {
        assertThat(AlgorithmBoundary.allowedPerBurst(Algorithm.SLIDING_WINDOW, 10, OFFSETS_MS))
                .containsExactly(10, 0, 0, 10, 0);
    }

    @Test
    void fixedWindowAllowsTwiceTheLimitAcrossABoundary() {
        assertThat(AlgorithmBoundary.allowedPerBurst(Algorithm.FIXED_WINDOW, 10, OFFSETS_MS))
                .containsExactly(10, 10, 0, 0, 10);
    }

    @Test
    void tokenBucketRefillsContinuously() {
        assertThat(AlgorithmBoundary.allowedPerBurst(Algorithm.TOKEN_BUCKET, 10, OFFSETS_MS))
                .containsExactly(10, 0, 5, 5, 0);
    }

    @Test
    void slidingWindowCounterWeighsThePreviousWindow() {
        assertThat(AlgorithmBoundary.allowedPerBurst(Algorithm.SLIDING_WINDOW_COUNTER, 10, OFFSETS_MS))
                .containsExactly(10, 0, 5, 4, 1);
    }
}
