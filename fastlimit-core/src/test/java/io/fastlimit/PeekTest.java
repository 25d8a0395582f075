package io.fastlimit;

import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeekTest {

    private final ManualClock clock = new ManualClock();
    private final RateLimitRule rule = RateLimitRule.builder("api").ip("3/min").user("10/min").build();
    private final ClientRequest anonymous = ClientRequest.of("203.0.113.7");

    @Test
    void peekReportsTheClientsBucketAndSpendsNothing() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            RateLimitStatus fresh = limiter.peek(rule, anonymous);
            assertThat(fresh.limited()).isTrue();
            assertThat(fresh.ruleName()).isEqualTo("api");
            assertThat(fresh.scope()).isEqualTo(Scope.IP);
            assertThat(fresh.limit()).isEqualTo(3);
            assertThat(fresh.remaining()).isEqualTo(3);
            assertThat(fresh.retryAfterMs()).isZero();

            limiter.check(rule, anonymous);
            for (int i = 0; i < 10; i++) {
                assertThat(limiter.peek(rule, anonymous).remaining()).isEqualTo(2);
            }
            limiter.check(rule, anonymous);
            limiter.check(rule, anonymous);
            RateLimitStatus spent = limiter.peek(rule, anonymous);
            assertThat(spent.remaining()).isZero();
            assertThat(spent.retryAfterMs()).isEqualTo(Duration.ofMinutes(1).toMillis());
            assertThat(spent.resetEpochSeconds()).isEqualTo((clock.millis() + 60_000 + 999) / 1000);
        }
    }

    @Test
    void aUserIsPeekedInTheUserBucket() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            ClientRequest alice = ClientRequest.of("203.0.113.7", Map.of(), "alice");
            limiter.check(rule, alice);
            RateLimitStatus status = limiter.peek(rule, alice);
            assertThat(status.scope()).isEqualTo(Scope.USER);
            assertThat(status.limit()).isEqualTo(10);
            assertThat(status.remaining()).isEqualTo(9);
            assertThat(limiter.peek(rule, anonymous).remaining()).as("the IP bucket untouched").isEqualTo(3);
        }
    }

    @Test
    void anUnverifiedHeaderValueReportsTheTighterOfItsBucketAndItsIpCeiling() {
        RateLimitRule keyed = RateLimitRule.builder("keyed").header("X-Api-Key", "5/min").ip("2/min").build();
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            ClientRequest withKey = ClientRequest.of("203.0.113.7", Map.of("X-Api-Key", List.of("k1")), null);
            limiter.check(keyed, withKey);
            RateLimitStatus status = limiter.peek(keyed, withKey);
            assertThat(status.scope()).as("the IP ceiling has 1 left, the key 4").isEqualTo(Scope.IP);
            assertThat(status.remaining()).isEqualTo(1);
        }
    }

    @Test
    void anExemptClientIsNotLimited() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).exemptIps("203.0.113.7").build()) {
            RateLimitStatus status = limiter.peek(rule, anonymous);
            assertThat(status.limited()).isFalse();
            assertThat(status.ruleName()).isEqualTo("api");
        }
    }

    @Test
    void aBackendThatCannotPeekSaysSo() {
        try (FastLimit limiter = FastLimit.builder().backend(new ListenerTest.FailingBackend()).build()) {
            assertThatThrownBy(() -> limiter.peek(rule, anonymous))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("FailingBackend")
                    .hasMessageContaining("Backend.peek");
        }
    }
}
