package io.fastlimit;

import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** A sliding log above the limit it is exact up to is named once, at registration, with the O(1) choice. */
class SlidingLogWarningTest {

    @Test
    void aSlidingLogAboveItsExactLimitIsWarnedAboutOnceNamingTheCounter() {
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit"); FastLimit limiter = FastLimit.builder().build()) {
            RateLimitRule rule = RateLimitRule.builder("search").ip("20000/day;10/s").build();
            limiter.register(rule);
            limiter.register(rule);
            limiter.check(rule, ClientRequest.of("192.0.2.1"));

            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("'search'", "20000 per 86400000 ms", "86400 ms", "SLIDING_WINDOW_COUNTER");
        }
    }

    @Test
    void aPlansRateAboveTheExactLimitIsWarnedAboutToo() {
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit"); FastLimit limiter = FastLimit.builder().build()) {
            limiter.register(RateLimitRule.builder("api").ip("100/min").plan("pro", "5000/min")
                    .planResolver(request -> null).build());

            assertThat(logs.messages(Level.WARNING)).singleElement().asString().contains("'api'", "5000 per 60000 ms");
        }
    }

    @Test
    void exactLogsAndOtherAlgorithmsAreNotWarnedAbout() {
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit");
             FastLimit limiter = FastLimit.builder().algorithm(Algorithm.SLIDING_WINDOW_COUNTER).build()) {
            limiter.register(RateLimitRule.ip("counted", "20000/day"));
            limiter.register(RateLimitRule.builder("exact").ip("1000/min").algorithm(Algorithm.SLIDING_WINDOW).build());
            limiter.register(RateLimitRule.builder("fixed").ip("50000/hour").algorithm(Algorithm.FIXED_WINDOW).build());

            assertThat(logs.messages(Level.WARNING)).isEmpty();
        }
    }
}
