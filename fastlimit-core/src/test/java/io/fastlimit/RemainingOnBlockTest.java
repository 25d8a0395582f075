package io.fastlimit;

import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a 429 says is left when the request's cost is more than what is left. */
class RemainingOnBlockTest {

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aBlockedCostlyRequestReportsTheUnitsStillLeft(Algorithm algorithm) {
        FastLimit limiter = FastLimit.builder().clock(new ManualClock()).algorithm(algorithm).build();
        ClientRequest client = ClientRequest.of("198.51.100.70");
        RateLimitRule cheap = RateLimitRule.builder("export").ip("5/min").build();
        RateLimitRule costly = RateLimitRule.builder("export").ip("5/min").cost(3).build();

        assertThat(limiter.check(costly, client).remaining()).isEqualTo(2);
        RateLimitDecision blocked = limiter.check(costly, client);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.headers()).containsEntry("X-RateLimit-Remaining", "2").containsKey("Retry-After");
        assertThat(limiter.check(cheap, client).allowed()).as("the two units are really there").isTrue();
    }
}
