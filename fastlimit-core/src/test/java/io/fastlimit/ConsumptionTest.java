package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What a check consumed, given back once, combined across checks, and recorded in a request's attributes. */
class ConsumptionTest {

    private final ManualClock clock = new ManualClock();
    private final MemoryBackend memory = MemoryBackend.builder().clock(clock).build();
    private final ClientRequest client = ClientRequest.of("192.0.2.1");

    private FastLimit limiter(Backend backend) {
        return FastLimit.builder().backend(backend).clock(clock).build();
    }

    private long remaining(FastLimit limiter, RateLimitRule rule) {
        return limiter.check(rule, client).remaining();
    }

    @Test
    void acquireDecidesAsCheckDoesAndGivesBackOnlyOnce() {
        FastLimit limiter = limiter(memory);
        RateLimitRule rule = RateLimitRule.ip("api", "5/min");
        Consumption consumption = limiter.acquire(rule, client);
        assertThat(consumption.decision().allowed()).isTrue();
        assertThat(consumption.decision().remaining()).isEqualTo(4);

        consumption.giveBack();
        consumption.giveBack();
        consumption.and(Consumption.nothing()).giveBack();
        assertThat(remaining(limiter, rule)).as("one unit given back, once, then this check").isEqualTo(4);
    }

    @Test
    void aBlockedCheckAndOneLetThroughByDryRunTookNothing() {
        RateLimitRule rule = RateLimitRule.ip("api", "1/min");
        FastLimit limiter = limiter(memory);
        limiter.check(rule, client);
        limiter.acquire(rule, client).giveBack();
        assertThat(limiter.check(rule, client).allowed()).as("the blocked check gave nothing back").isFalse();

        FastLimit dryRun = FastLimit.builder().backend(memory).clock(clock).dryRun(true).build();
        Consumption wouldHaveBlocked = dryRun.acquire(rule, client);
        assertThat(wouldHaveBlocked.decision().wouldHaveBlocked()).isTrue();
        wouldHaveBlocked.giveBack();
        assertThat(limiter.check(rule, client).allowed()).isFalse();
    }

    @Test
    void severalRulesReportTheTightestAndGiveBackTogether() {
        FastLimit limiter = limiter(memory);
        RateLimitRule global = RateLimitRule.ip("global", "10/min");
        RateLimitRule login = RateLimitRule.ip("login", "3/min");
        Consumption both = limiter.acquire(List.of(global, login), client);
        assertThat(both.decision().ruleName()).isEqualTo("login");
        both.giveBack();
        assertThat(remaining(limiter, global)).isEqualTo(9);
        assertThat(remaining(limiter, login)).isEqualTo(2);
    }

    @Test
    void aRequestBlockedByALaterAdapterGivesBackWhatTheEarlierOnesRecorded() {
        FastLimit limiter = limiter(memory);
        RateLimitRule global = RateLimitRule.ip("global", "3/min");
        RateLimitRule generous = RateLimitRule.ip("generous", "100/min");
        RateLimitRule strict = RateLimitRule.ip("strict", "1/min");
        Map<String, Object> attributes = new HashMap<>();

        // a filter, then a resource: the response reports the tighter, whichever came first
        RateLimitDecision reported = limiter.acquire(global, client).recordInRequest(attributes::get, attributes::put);
        assertThat(reported.ruleName()).isEqualTo("global");
        reported = limiter.acquire(generous, client).recordInRequest(attributes::get, attributes::put);
        assertThat(reported.ruleName()).as("3/min is tighter than 100/min").isEqualTo("global");
        assertThat(reported.remaining()).isEqualTo(2);
        assertThat(attributes.get(RateLimitDecision.REQUEST_ATTRIBUTE)).isSameAs(reported);

        limiter.check(strict, client); // spent by another request
        Consumption blocked = limiter.acquire(strict, client);
        reported = blocked.recordInRequest(attributes::get, attributes::put);
        assertThat(reported).isSameAs(blocked.decision());
        assertThat(reported.allowed()).isFalse();
        assertThat(attributes.get(RateLimitDecision.REQUEST_ATTRIBUTE)).isSameAs(reported);

        assertThat(remaining(limiter, global)).as("the turned-away request gave its unit back").isEqualTo(2);
        assertThat(remaining(limiter, generous)).isEqualTo(99);
        ((Consumption) attributes.get(Consumption.REQUEST_ATTRIBUTE)).giveBack();
        assertThat(remaining(limiter, global)).as("given back once only").isEqualTo(1);
    }

    @Test
    void aCheckThatLimitedNothingLeavesTheRecordAlone() {
        FastLimit limiter = FastLimit.builder().backend(memory).clock(clock).exemptIps("192.0.2.1").build();
        Map<String, Object> attributes = new HashMap<>();
        Consumption exempt = limiter.acquire(RateLimitRule.ip("api", "1/min"), client);
        assertThat(exempt.decision().bucketChecked()).isFalse();
        assertThat(exempt.recordInRequest(attributes::get, attributes::put)).isSameAs(exempt.decision());
        assertThat(attributes).isEmpty();
    }

    @Test
    void theLimiterDoesNotWaitForARefundNorFailWithIt() {
        CompletableFuture<Void> refundInFlight = new CompletableFuture<>();
        AtomicInteger refundsAsked = new AtomicInteger();
        Backend slowRefunds = new DelegatingBackend(memory) {
            @Override
            public CompletionStage<Void> refundAsync(String key, List<BucketConfig> buckets, int cost) {
                refundsAsked.incrementAndGet();
                return refundInFlight;
            }
        };
        FastLimit limiter = limiter(slowRefunds);
        List<RateLimitRule> rules = List.of(RateLimitRule.ip("global", "10/min"), RateLimitRule.ip("strict", "1/min"));
        limiter.check(rules, client);
        assertThat(limiter.check(rules, client).allowed()).as("answered while the refund is in flight").isFalse();
        assertThat(refundsAsked).hasValue(1);
        refundInFlight.completeExceptionally(new IllegalStateException("store down")); // logged, never thrown

        Backend throwingRefunds = new DelegatingBackend(memory) {
            @Override
            public CompletionStage<Void> refundAsync(String key, List<BucketConfig> buckets, int cost) {
                throw new IllegalStateException("store down");
            }
        };
        assertThat(limiter(throwingRefunds).check(rules, ClientRequest.of("192.0.2.2")).allowed()).isTrue();
        assertThat(limiter(throwingRefunds).check(rules, ClientRequest.of("192.0.2.2")).allowed()).isFalse();
    }

    /** A backend that hands every call to another. */
    private static class DelegatingBackend implements Backend {
        private final Backend delegate;

        DelegatingBackend(Backend delegate) {
            this.delegate = delegate;
        }

        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            return delegate.checkAndIncrement(key, buckets, cost);
        }

        @Override
        public void refund(String key, List<BucketConfig> buckets, int cost) {
            delegate.refund(key, buckets, cost);
        }

        @Override
        public void reset(String key) {
            delegate.reset(key);
        }

        @Override
        public void clearAll() {
            delegate.clearAll();
        }
    }
}
