package io.fastlimit.micrometer;

import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(QuietLogs.class) // the warnings of a backend that fails on purpose
class FastLimitMetricsTest {

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RateLimitRule rule = RateLimitRule.builder("api").ip("2/min").user("5/min").build();
    private final ClientRequest anonymous = ClientRequest.of("203.0.113.7");

    private double decisions(String rule, String scope, String outcome) {
        var counter = registry.find(FastLimitMetrics.DECISIONS).tags("rule", rule, "scope", scope, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void decisionsAreCountedByRuleScopeAndOutcome() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            FastLimitMetrics.bindTo(registry, limiter);
            for (int i = 0; i < 3; i++) {
                limiter.check(rule, anonymous);
            }
            limiter.check(rule, ClientRequest.of("203.0.113.7", Map.of(), "alice"));
        }
        assertThat(decisions("api", "ip", "allowed")).isEqualTo(2);
        assertThat(decisions("api", "ip", "blocked")).isEqualTo(1);
        assertThat(decisions("api", "user", "allowed")).isEqualTo(1);
        var backend = registry.find(FastLimitMetrics.BACKEND_CALLS).tags("backend", "MemoryBackend", "result", "success").timer();
        assertThat(backend).isNotNull();
        assertThat(backend.count()).isEqualTo(4);
    }

    @Test
    void dryRunAndExemptHaveOutcomesOfTheirOwn() {
        try (FastLimit dryRun = FastLimit.builder().clock(clock).dryRun(true).build();
             FastLimit exempting = FastLimit.builder().clock(clock).exemptIps("203.0.113.0/24").build()) {
            FastLimitMetrics.bindTo(registry, dryRun);
            FastLimitMetrics.bindTo(registry, exempting);
            for (int i = 0; i < 3; i++) {
                dryRun.check(rule, anonymous);
            }
            exempting.check(rule, anonymous);
        }
        assertThat(decisions("api", "ip", "would_have_blocked")).isEqualTo(1);
        assertThat(decisions("api", "ip", "exempt")).isEqualTo(1);
    }

    @Test
    void theFailurePolicyIsCountedWithItsPolicyAndCause() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).backend(new TimingOutBackend())
                .failurePolicy(FailurePolicy.CLOSED).build()) {
            FastLimitMetrics.bindTo(registry, limiter);
            limiter.check(rule, anonymous);
            limiter.check(rule, anonymous);
        }
        var answered = registry.find(FastLimitMetrics.FAILURE_POLICY_DECISIONS)
                .tags("rule", "api", "policy", "closed", "cause", "TimeoutException").counter();
        assertThat(answered).isNotNull();
        assertThat(answered.count()).isEqualTo(2);
        assertThat(decisions("api", "ip", "blocked")).isEqualTo(2);
        assertThat(registry.find(FastLimitMetrics.BACKEND_CALLS).tags("result", "failure").timer().count()).isEqualTo(2);
    }

    @Test
    void bindingTwiceCountsOnceAndCloseStopsCounting() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            FastLimitMetrics first = FastLimitMetrics.bindTo(registry, limiter);
            FastLimitMetrics.bindTo(registry, limiter);
            assertThat(limiter.listeners()).hasSize(1);
            limiter.check(rule, anonymous);
            first.close();
            assertThat(limiter.listeners()).isEmpty();
            limiter.check(rule, anonymous);
        }
        assertThat(decisions("api", "ip", "allowed")).isEqualTo(1);
    }

    @Test
    void theMemoryBackendsKeysAreAGauge() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            new FastLimitMetrics(limiter, Tags.of("limiter", "public")).bindTo(registry);
            for (int i = 0; i < 10; i++) {
                limiter.check(rule, ClientRequest.of("198.51.100." + i));
            }
            assertThat(registry.get(FastLimitMetrics.MEMORY_KEYS).tag("limiter", "public").gauge().value()).isEqualTo(10);
            assertThat(registry.get(FastLimitMetrics.MEMORY_BYTES).gauge().value()).isPositive();
            assertThat(registry.get(FastLimitMetrics.DECISIONS).tag("limiter", "public").counter().count()).isEqualTo(10);
        }
    }

    @Test
    void rulesPastTheCapShareOneTag() {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            FastLimitMetrics.bindTo(registry, limiter);
            for (int i = 0; i < FastLimitMetrics.MAX_RULE_TAGS + 50; i++) {
                limiter.check(RateLimitRule.ip("generated-" + i, "5/min"), anonymous);
            }
        }
        java.util.Collection<Meter> decisionMeters = registry.find(FastLimitMetrics.DECISIONS).meters();
        assertThat(decisionMeters).hasSize(FastLimitMetrics.MAX_RULE_TAGS + 1);
        assertThat(decisions(FastLimitMetrics.OTHER_RULE, "ip", "allowed")).isEqualTo(50);
    }

    /** A store that never answers in time, as a remote backend reports it. */
    private static final class TimingOutBackend implements Backend {
        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            throw new BackendUnavailableException("did not answer", new TimeoutException("250 ms"));
        }

        @Override
        public void reset(String key) {
        }

        @Override
        public void clearAll() {
        }
    }
}
