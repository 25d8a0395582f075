package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plans: which rates a caller gets, and what a caller cannot do with them. */
@ExtendWith(QuietLogs.class) // a resolver that fails on purpose
class PlansTest {

    private final ManualClock clock = new ManualClock();
    private final FastLimit limiter = FastLimit.builder().clock(clock).build();

    /** The plans of the API keys we issued: a lookup on the server, never the client's word. */
    private static final Map<String, String> PLAN_OF_KEY = Map.of("key-free", "free", "key-pro", "pro",
            "key-gold", "gold");

    private final RateLimitRule api = RateLimitRule.builder("api")
            .header("X-Api-Key", "3/min").headerResolver(HeaderIdentityResolver.validatedBy(PLAN_OF_KEY::containsKey))
            .ip("1/min")
            .plan("free", "2/min")
            .plan("pro", "5/min")
            .planResolver(PlanResolver.fromHeader("X-Api-Key", PLAN_OF_KEY::get))
            .build();

    /** A memory backend that remembers the keys it was asked about. */
    private static final class RecordingBackend implements Backend {
        final Backend delegate;
        final List<String> keys = new ArrayList<>();

        RecordingBackend(Backend delegate) {
            this.delegate = delegate;
        }

        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            keys.add(key);
            return delegate.checkAndIncrement(key, buckets, cost);
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

    private static ClientRequest withKey(String key) {
        return ClientRequest.of("198.51.100.7", key == null ? Map.of() : Map.of("X-Api-Key", List.of(key)), null);
    }

    private int passed(RateLimitRule rule, ClientRequest request, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            if (limiter.check(rule, request).allowed()) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void eachPlanGetsItsRatesAndTheHeadersSaySo() {
        assertThat(limiter.check(api, withKey("key-pro")).headers()).containsEntry("X-RateLimit-Limit", "5");
        assertThat(passed(api, withKey("key-pro"), 10)).isEqualTo(4);
        assertThat(passed(api, withKey("key-free"), 10)).isEqualTo(2);
        RateLimitDecision blocked = limiter.check(api, withKey("key-free"));
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.limit()).isEqualTo(2);
    }

    @Test
    void aPlanTheRuleDoesNotDeclareGetsTheDefaultRates() {
        // key-gold is genuine, but its plan is not one of this rule's: the header's default 3/min
        assertThat(passed(api, withKey("key-gold"), 10)).isEqualTo(3);
    }

    @Test
    void anInventedKeyCountsAsItsAddressWhateverItClaims() {
        // a plan's name as the key, a made-up key, no key: all one client, its address, at the IP's 1/min
        assertThat(passed(api, withKey("pro"), 5) + passed(api, withKey("made-up"), 5) + passed(api, withKey(null), 5))
                .isEqualTo(1);
    }

    @Test
    void aPlanOnlyChangesTheRatesOfTheBucketTheRequestCountsAgainstNotItsKey() {
        RecordingBackend backend = new RecordingBackend(MemoryBackend.builder().clock(clock).build());
        try (FastLimit recorded = FastLimit.builder().backend(backend).build()) {
            recorded.check(api, withKey("key-pro"));
            recorded.check(api, withKey("key-free"));
            assertThat(backend.keys).containsExactly("fastlimit:api:header:{key-pro}", "fastlimit:api:header:{key-free}");
        }
    }

    @Test
    void aResolverThatThrowsGivesTheDefaultRatesNeverAnError() {
        RateLimitRule rule = RateLimitRule.builder("flaky").ip("2/min").plan("pro", "5/min")
                .planResolver(request -> {
                    throw new IllegalStateException("account service down");
                })
                .build();
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(passed(rule, withKey(null), 5)).isEqualTo(2);
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("Plan resolver", "'flaky'", "default rates", "account service down");
        }
    }

    @Test
    void thePlanMayComeFromAnAttributeTheServerSet() {
        RateLimitRule rule = RateLimitRule.builder("members").user("1/min").plan("pro", "3/min")
                .planResolver(PlanResolver.fromAttribute("plan")).build();
        ClientRequest pro = new ClientRequest() {
            @Override public String remoteAddress() { return "192.0.2.1"; }
            @Override public String header(String name) { return null; }
            @Override public String user() { return "alice"; }
            @Override public Object attribute(String name) { return name.equals("plan") ? "pro" : null; }
        };
        assertThat(passed(rule, pro, 5)).isEqualTo(3);
        assertThat(passed(rule, ClientRequest.of("192.0.2.1", Map.of(), "bob"), 5)).isEqualTo(1);
    }

    @Test
    void theIpCeilingKeepsTheRuleIpRatesWhateverThePlan() {
        RateLimitRule rule = RateLimitRule.builder("capped").user("1/min").ip("2/min").ipCeiling(true)
                .plan("pro", "10/min").planResolver(request -> "pro").build();
        assertThat(passed(rule, ClientRequest.of("192.0.2.9", Map.of(), "carol"), 5)).isEqualTo(2);
    }

    @Test
    void resetForgetsThePlanBucketToo() {
        assertThat(passed(api, withKey("key-pro"), 6)).isEqualTo(5);
        limiter.reset(api, withKey("key-pro"));
        assertThat(passed(api, withKey("key-pro"), 6)).isEqualTo(5);
    }

    @Test
    void badPlansFailWhenTheRuleIsBuilt() {
        assertThatThrownBy(() -> RateLimitRule.builder("r").ip("1/min").plan("pro", "5/min").build())
                .hasMessageContaining("plans [pro]").hasMessageContaining("planResolver");
        assertThatThrownBy(() -> RateLimitRule.builder("r").ip("1/min").plan("p.ro", "5/min"))
                .hasMessageContaining("'p.ro'");
        assertThatThrownBy(() -> RateLimitRule.builder("r").ip("1/min").plan("pro", "5/lightyear"))
                .hasMessageContaining("'5/lightyear'");
        assertThatThrownBy(() -> RateLimitRule.builder("r").ip("10/min").cost(3).plan("pro", "2/min")
                .planResolver(request -> "pro").build())
                .hasMessageContaining("Invalid cost 3").hasMessageContaining("2/min");
    }

    @Test
    void rulesOfOneNameMustDeclareTheSamePlans() {
        limiter.register(api);
        RateLimitRule other = RateLimitRule.builder("api").header("X-Api-Key", "3/min").ip("1/min")
                .plan("free", "2/min").plan("pro", "6/min").planResolver(request -> null).build();
        assertThatThrownBy(() -> limiter.register(other)).hasMessageContaining("Rule 'api' is used with other limits");
    }

    @Test
    void peekReportsThePlansBucket() {
        limiter.check(api, withKey("key-pro"));
        RateLimitStatus status = limiter.peek(api, withKey("key-pro"));
        assertThat(status.limit()).isEqualTo(5);
        assertThat(status.remaining()).isEqualTo(4);
    }
}
