package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.micrometer.FastLimitMetrics;
import io.fastlimit.rules.RateLimitRule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of docs/observability.md do what the page says. */
class ObservabilitySamplesTest {

    private final RateLimitRule rule = RateLimitRule.ip("login", "1/min");
    private final ClientRequest client = ClientRequest.of("198.51.100.7");

    @Test
    void theAuditListenerWritesOneLinePerBlockedRequest() {
        List<String> audit = new ArrayList<>();
        try (FastLimit limiter = ObservabilitySamples.withListener(audit::add)) {
            limiter.check(rule, client);
            limiter.check(rule, client);
        }
        assertThat(audit).containsExactly("blocked fastlimit:login:ip:{198.51.100.7} by rule login");
    }

    @Test
    void bindingCountsDecisionsAndTaggedBindingsStayApart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FastLimit publicApi = FastLimit.builder().build(); FastLimit partners = FastLimit.builder().build()) {
            ObservabilitySamples.bindSeveral(registry, publicApi, partners);
            publicApi.check(rule, client);
            partners.check(rule, client);
            partners.check(rule, client);
            assertThat(registry.get(FastLimitMetrics.DECISIONS).tags("limiter", "partners", "outcome", "blocked")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get(FastLimitMetrics.DECISIONS).tags("limiter", "public", "outcome", "allowed")
                    .counter().count()).isEqualTo(1);
        }
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        try (FastLimit limiter = FastLimit.builder().build()) {
            ObservabilitySamples.bind(plain, limiter);
            limiter.check(rule, client);
            assertThat(plain.get(FastLimitMetrics.DECISIONS).counter().count()).isEqualTo(1);
        }
    }

    @Test
    void peekAnswersTheStandingAndSpendsNothing() {
        try (FastLimit limiter = FastLimit.builder().exemptIps("10.0.0.0/8").build()) {
            String first = ObservabilitySamples.standing(limiter, "198.51.100.7", null);
            assertThat(first).startsWith("{\"scope\": \"ip\", \"limit\": 100, \"remaining\": 100, \"reset\": ");
            assertThat(ObservabilitySamples.standing(limiter, "198.51.100.7", "alice"))
                    .startsWith("{\"scope\": \"user\", \"limit\": 1000, \"remaining\": 1000");
            assertThat(ObservabilitySamples.standing(limiter, "10.1.2.3", null)).isEqualTo("{\"limited\": false}");
        }
    }
}
