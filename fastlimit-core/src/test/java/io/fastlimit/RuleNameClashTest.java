package io.fastlimit;

import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rules of one name share their buckets, so one limiter refuses two of them with other limits. */
class RuleNameClashTest {

    private final FastLimit limiter = FastLimit.builder().clock(new ManualClock()).build();
    private final ClientRequest client = ClientRequest.of("198.51.100.80");

    @Test
    void aSecondRuleOfTheSameNameWithOtherRatesIsRefused() {
        limiter.register(RateLimitRule.ip("login", "2/min"));
        assertThatThrownBy(() -> limiter.check(RateLimitRule.ip("login", "100/min"), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'login'").hasMessageContaining("100/min").hasMessageContaining("2/min");
        assertThatThrownBy(() -> limiter.register(RateLimitRule.builder("login").ip("2/min").algorithm(Algorithm.TOKEN_BUCKET).build()))
                .as("another algorithm counts otherwise too").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter.register(RateLimitRule.builder("login").ip("2/min").user("5/min").build()))
                .as("another scope").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rulesOfOneNameWithTheSameLimitsShareThem() {
        RateLimitRule cheap = RateLimitRule.builder("export").ip("5/min").build();
        RateLimitRule costly = RateLimitRule.builder("export").ip("5/min").cost(3).build();
        limiter.check(costly, client);
        assertThat(limiter.check(cheap, client).remaining()).isEqualTo(1);
        assertThat(limiter.check(List.of(RateLimitRule.ip("export", "5/min")), client).remaining()).isZero();
    }
}
