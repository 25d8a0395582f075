package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FastLimitTest {

    /** 2030-01-01T00:01:00.000Z: the start of a minute, so fixed windows are easy to reason about. */
    private static final long MINUTE_START_MS = 1_893_456_060_000L;

    private final ManualClock clock = new ManualClock(MINUTE_START_MS);

    /** A real backend that remembers the keys it was asked about. */
    private static final class KeyRecordingBackend implements Backend {
        final Backend delegate;
        final List<String> keys = new ArrayList<>();

        KeyRecordingBackend(Backend delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
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

    /** A backend that fails while {@code down} is set, as a remote store does when unreachable. */
    private static final class FlakyBackend implements Backend {
        final Backend delegate;
        final AtomicBoolean down = new AtomicBoolean(true);

        FlakyBackend(Backend delegate) {
            this.delegate = delegate;
        }

        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
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

    private MemoryBackend memory() {
        return MemoryBackend.builder().clock(clock).build();
    }

    private FastLimit.Builder limiter() {
        return FastLimit.builder().clock(clock).algorithm(Algorithm.FIXED_WINDOW);
    }

    private static ClientRequest from(String ip) {
        return ClientRequest.of(ip);
    }

    private static ClientRequest withHeaders(String ip, Map<String, String> headers, String user) {
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return ClientRequest.of(ip, multi, user);
    }

    @Test
    void allowsTheLimitThenBlocksWithHeadersAndBody() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.ip("login", "3/min");
        clock.advance(Duration.ofSeconds(19).plusMillis(1)); // 40.999 s before the window ends

        for (int i = 1; i <= 3; i++) {
            RateLimitDecision d = limiter.check(rule, from("192.0.2.1"));
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(3 - i);
            assertThat(d.headers()).containsEntry("X-RateLimit-Limit", "3")
                    .containsEntry("X-RateLimit-Remaining", Integer.toString(3 - i))
                    .containsEntry("X-RateLimit-Reset", Long.toString((MINUTE_START_MS + 60_000) / 1000))
                    .doesNotContainKey("Retry-After");
        }
        RateLimitDecision blocked = limiter.check(rule, from("192.0.2.1"));
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.retryAfterMs()).isEqualTo(40_999);
        assertThat(blocked.retryAfterSeconds()).isEqualTo(41);
        assertThat(blocked.headers()).containsEntry("Retry-After", "41").containsEntry("X-RateLimit-Remaining", "0");
        assertThat(blocked.errorBody())
                .isEqualTo("{\"detail\": \"Rate limit exceeded. Try again in 41s.\", \"retry_after\": 41}");

        assertThat(limiter.check(rule, from("192.0.2.2")).allowed()).as("another client").isTrue();
    }

    @Test
    void retryAfterIsNeverZero() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/s");
        clock.advanceMillis(999);
        limiter.check(rule, from("192.0.2.1"));
        RateLimitDecision blocked = limiter.check(rule, from("192.0.2.1"));
        assertThat(blocked.retryAfterMs()).isEqualTo(1);
        assertThat(blocked.retryAfterSeconds()).isEqualTo(1);
        assertThat(blocked.headers()).containsEntry("Retry-After", "1");
    }

    @Test
    void theMostSpecificIdentityWins() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).keyPrefix("app").build();
        RateLimitRule rule = RateLimitRule.builder("api").ip("10/min").header("X-Api-Key", "20/min").user("30/min").build();

        limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "k1"), "alice"));
        limiter.check(rule, withHeaders("192.0.2.1", Map.of("x-api-key", "k1"), null));
        limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "  "), ""));
        limiter.check(rule, from("2001:DB8:0::1"));

        assertThat(backend.keys).containsExactly(
                "app:api:user:{alice}", "app:api:header:{k1}", "app:api:ip:{192.0.2.1}", "app:api:ip:{2001:db8::1}");
    }

    @Test
    void anAnonymousRequestUsesItsIpBucketOnlyAndAUserItsUserBucketOnly() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.builder("dual").ip("2/min").user("5/min").build();
        ClientRequest anonymous = from("192.0.2.1");
        ClientRequest alice = withHeaders("192.0.2.1", Map.of(), "alice");

        assertThat(limiter.check(rule, anonymous).limit()).isEqualTo(2);
        assertThat(limiter.check(rule, anonymous).allowed()).isTrue();
        assertThat(limiter.check(rule, anonymous).allowed()).isFalse();
        for (int i = 0; i < 5; i++) {
            RateLimitDecision d = limiter.check(rule, alice);
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).isEqualTo(5);
        }
        assertThat(limiter.check(rule, alice).allowed()).isFalse();
    }

    @Test
    void aRuleWithoutABucketForThisClientDoesNotLimitIt() {
        FastLimit limiter = limiter().build();
        RateLimitDecision d = limiter.check(RateLimitRule.builder("users-only").user("1/min").build(), from("192.0.2.1"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.limited()).isFalse();
        assertThat(d.headers()).isEmpty();
    }

    @Test
    void hostileIdentitiesNeverBreakKeys() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).build();
        RateLimitRule rule = RateLimitRule.builder("h").header("X-Api-Key", "10/min").user("10/min").ip("10/min").build();

        limiter.check(rule, withHeaders("192.0.2.1", Map.of(), "x".repeat(1_000_000)));
        limiter.check(rule, withHeaders("192.0.2.1", Map.of(), "}{evil} \r\n"));
        limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "a\r\nb{c}"), null));
        limiter.check(rule, withHeaders("garbage{}", Map.of(), null));
        limiter.check(rule, withHeaders(null, Map.of(), null));

        for (String key : backend.keys) {
            assertThat(key).hasSizeLessThan(120).matches("fastlimit:h:(user|header|ip):\\{[^{}\\s]+}");
        }
        assertThat(backend.keys.get(4)).isEqualTo("fastlimit:h:ip:{unknown}");
    }

    @Test
    void trustedProxiesStopSpoofing() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).trustedProxies(1).build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        for (int i = 0; i < 5; i++) {
            // the client forges a new address each time; the proxy appends the real one
            limiter.check(rule, withHeaders("10.0.0.1", Map.of("X-Forwarded-For", "1.1.1." + i + ", 198.51.100.7"), null));
        }
        assertThat(backend.keys).containsOnly("fastlimit:r:ip:{198.51.100.7}");

        FastLimit direct = limiter().backend(new KeyRecordingBackend(memory())).build();
        RateLimitDecision d = direct.check(rule, withHeaders("192.0.2.9", Map.of("X-Forwarded-For", "1.1.1.1"), null));
        assertThat(direct.clientIp(withHeaders("192.0.2.9", Map.of("X-Forwarded-For", "1.1.1.1"), null))).isEqualTo("192.0.2.9");
        assertThat(d.allowed()).isTrue();
    }

    @Test
    void exemptAddressesAndRangesPassUntouched() {
        FastLimit limiter = limiter().exemptIps("10.0.0.0/8", "2001:db8::/32", "192.0.2.7").build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        for (String ip : new String[] {"10.1.2.3", "2001:db8::99", "192.0.2.7", "::ffff:10.0.0.1"}) {
            for (int i = 0; i < 3; i++) {
                RateLimitDecision d = limiter.check(rule, from(ip));
                assertThat(d.allowed()).isTrue();
                assertThat(d.limited()).isFalse();
                assertThat(d.headers()).isEmpty();
            }
        }
        assertThat(limiter.check(rule, from("192.0.2.8")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("192.0.2.8")).allowed()).isFalse();
    }

    @Test
    void dryRunCountsButNeverBlocks() {
        FastLimit limiter = limiter().dryRun(true).build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        limiter.check(rule, from("192.0.2.1"));
        limiter.check(rule, from("192.0.2.1"));
        for (int i = 0; i < 100; i++) {
            RateLimitDecision d = limiter.check(rule, from("192.0.2.1"));
            assertThat(d.allowed()).isTrue();
            assertThat(d.wouldHaveBlocked()).isTrue();
            assertThat(d.headers()).containsEntry("X-RateLimit-Remaining", "0").doesNotContainKey("Retry-After");
        }
    }

    @Test
    void ietfHeaders() {
        FastLimit limiter = limiter().headers(HeaderStyle.ietf()).build();
        RateLimitRule rule = RateLimitRule.ip("search", "10/min");
        clock.advance(Duration.ofSeconds(15));
        RateLimitDecision d = limiter.check(rule, from("192.0.2.1"));
        assertThat(d.headers()).containsExactly(
                Map.entry("RateLimit-Policy", "\"search\";q=10;w=60"),
                Map.entry("RateLimit", "\"search\";r=9;t=45"));
        for (int i = 0; i < 9; i++) {
            limiter.check(rule, from("192.0.2.1"));
        }
        assertThat(limiter.check(rule, from("192.0.2.1")).headers())
                .containsEntry("RateLimit", "\"search\";r=0;t=45").containsEntry("Retry-After", "45");
    }

    @Test
    void customAndDisabledHeaders() {
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        FastLimit custom = limiter().headers(HeaderStyle.custom("Quota", null, "Quota-Reset", "Retry-After")).build();
        assertThat(custom.check(rule, from("192.0.2.1")).headers()).containsOnlyKeys("Quota", "Quota-Reset");

        FastLimit none = limiter().headers(HeaderStyle.none()).build();
        assertThat(none.check(rule, from("192.0.2.1")).headers()).isEmpty();
        assertThat(none.check(rule, from("192.0.2.1")).headers()).containsOnlyKeys("Retry-After");

        assertThatThrownBy(() -> HeaderStyle.custom("Bad Name", null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Bad Name'");
        assertThat(HeaderStyle.parse("IETF")).isSameAs(HeaderStyle.ietf());
        assertThatThrownBy(() -> HeaderStyle.parse("fancy")).hasMessageContaining("'fancy'");
    }

    @Test
    void severalRulesStopAtTheFirstThatBlocksAndReportTheTightest() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).build();
        RateLimitRule global = RateLimitRule.ip("global", "100/min");
        RateLimitRule login = RateLimitRule.ip("login", "2/min");
        ClientRequest req = from("192.0.2.1");

        RateLimitDecision first = limiter.check(List.of(global, login), req);
        assertThat(first.ruleName()).isEqualTo("login");
        assertThat(first.remaining()).isEqualTo(1);
        limiter.check(List.of(global, login), req);
        RateLimitDecision blocked = limiter.check(List.of(login, global), req);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.ruleName()).isEqualTo("login");
        // the blocked check stopped at login: global was not charged for it
        assertThat(backend.keys).filteredOn(k -> k.contains(":global:")).hasSize(2);
    }

    @Test
    void aRequestTurnedAwayByALaterRuleIsNotCountedByTheEarlierOnes() {
        FastLimit limiter = limiter().build();
        RateLimitRule global = RateLimitRule.ip("global", "3/min");
        RateLimitRule login = RateLimitRule.ip("login", "1/min");
        ClientRequest req = from("192.0.2.1");
        assertThat(limiter.check(List.of(global, login), req).allowed()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.check(List.of(global, login), req).allowed()).isFalse();
        }
        RateLimitDecision globalOnly = limiter.check(global, req);
        assertThat(globalOnly.remaining()).as("only the first request counted against global").isEqualTo(1);

        RateLimitDecision allowed = limiter.check(global, req);
        limiter.refund(allowed);
        assertThat(limiter.check(global, req).remaining()).as("refunded by hand").isZero();
        limiter.refund(RateLimitDecision.unlimited()); // nothing to give back, no error
    }

    @Test
    void failOpenLetsRequestsThroughWithoutHeaders() {
        FlakyBackend backend = new FlakyBackend(memory());
        FastLimit limiter = limiter().backend(backend).build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        for (int i = 0; i < 3; i++) {
            RateLimitDecision d = limiter.check(rule, from("192.0.2.1"));
            assertThat(d.allowed()).isTrue();
            assertThat(d.limited()).isFalse();
        }
        backend.down.set(false);
        assertThat(limiter.check(rule, from("192.0.2.1")).limited()).isTrue();
    }

    @Test
    void failClosedBlocksForASecond() {
        FastLimit limiter = limiter().backend(new FlakyBackend(memory())).failurePolicy(FailurePolicy.CLOSED).build();
        RateLimitDecision d = limiter.check(RateLimitRule.ip("r", "5/min"), from("192.0.2.1"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterSeconds()).isEqualTo(1);
        assertThat(d.headers()).containsEntry("Retry-After", "1").containsEntry("X-RateLimit-Limit", "5");
    }

    @Test
    void failLocalChecksInMemoryUntilTheBackendReturns() {
        FlakyBackend backend = new FlakyBackend(memory());
        FastLimit limiter = limiter().backend(backend).failurePolicy(FailurePolicy.LOCAL).build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isFalse();
        backend.down.set(false);
        assertThat(limiter.check(rule, from("192.0.2.1")).remaining()).as("the shared store's own count").isEqualTo(1);
    }

    @Test
    void checkOrThrowCarriesTheDecision() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        limiter.checkOrThrow(rule, from("192.0.2.1"));
        assertThatThrownBy(() -> limiter.checkOrThrow(rule, from("192.0.2.1")))
                .isInstanceOfSatisfying(RateLimitExceededException.class, e -> {
                    assertThat(e.decision().allowed()).isFalse();
                    assertThat(e.retryAfterSeconds()).isEqualTo(60);
                    assertThat(e.getMessage()).isEqualTo("Rate limit exceeded. Try again in 60s.");
                });
    }

    @Test
    void resetForgetsAClient() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        limiter.check(rule, from("192.0.2.1"));
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isFalse();
        limiter.reset(rule, from("192.0.2.1"));
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
    }

    @Test
    void ruleAlgorithmOverridesTheLimiters() {
        FastLimit limiter = limiter().build(); // fixed window
        RateLimitRule rule = RateLimitRule.builder("tb").ip("2/min").algorithm(Algorithm.TOKEN_BUCKET).build();
        limiter.check(rule, from("192.0.2.1"));
        limiter.check(rule, from("192.0.2.1"));
        clock.advance(Duration.ofSeconds(30)); // a fixed window would still be spent; a token bucket refilled one
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        assertThatThrownBy(() -> FastLimit.builder().keyPrefix("has space")).hasMessageContaining("'has space'");
        assertThatThrownBy(() -> FastLimit.builder().keyPrefix("{x}")).hasMessageContaining("'{x}'");
        assertThatThrownBy(() -> FastLimit.builder().trustedProxies(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> FastLimit.builder().exemptIps("10.0.0.0/99")).hasMessageContaining("10.0.0.0/99");
        assertThatThrownBy(() -> FastLimit.builder().clientIpHeader("X Forwarded")).hasMessageContaining("'X Forwarded'");
        assertThatThrownBy(() -> FastLimit.builder().redisUrl(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FastLimit.builder().backend(new MemoryBackend()).redisUrl("redis://localhost:6379").build())
                .hasMessageContaining("choose one");
    }

    @Test
    void readsEveryEnvironmentVariable() {
        FastLimit limiter = FastLimit.builder().env(Map.of(
                "FASTLIMIT_ALGORITHM", "token-bucket",
                "FASTLIMIT_KEY_PREFIX", "shop",
                "FASTLIMIT_DRY_RUN", "yes",
                "FASTLIMIT_TRUSTED_PROXIES", "1",
                "FASTLIMIT_EXEMPT_IPS", "10.0.0.0/8, ::1",
                "FASTLIMIT_HEADERS", "ietf",
                "FASTLIMIT_FAILURE_POLICY", "closed")).build();
        assertThat(limiter.algorithm()).isEqualTo(Algorithm.TOKEN_BUCKET);
        assertThat(limiter.keyPrefix()).isEqualTo("shop");
        assertThat(limiter.dryRun()).isTrue();
        assertThat(limiter.headerStyle()).isSameAs(HeaderStyle.ietf());
        assertThat(limiter.failurePolicy()).isEqualTo(FailurePolicy.CLOSED);
        assertThat(limiter.clientIp(withHeaders("10.9.9.9", Map.of("X-Forwarded-For", "203.0.113.1"), null)))
                .isEqualTo("203.0.113.1");
        assertThat(limiter.check(RateLimitRule.ip("r", "1/min"), from("::1")).limited()).isFalse();
    }

    @Test
    void settingsByNameAreTheEnvironmentsAndWebXmls() {
        FastLimit limiter = FastLimit.builder()
                .env(Map.of("FASTLIMIT_CLIENT_IP_HEADER", "Forwarded", "FASTLIMIT_TRUSTED_PROXIES", "1"))
                .set("key-prefix", " shop ")
                .build();
        assertThat(limiter.keyPrefix()).isEqualTo("shop");
        assertThat(limiter.clientIp(withHeaders("10.9.9.9", Map.of("Forwarded", "for=203.0.113.8"), null)))
                .isEqualTo("203.0.113.8");
        assertThat(FastLimit.Builder.SETTINGS).contains("redis-url", "client-ip-header");
        assertThat(FastLimit.Builder.envVariable("client-ip-header")).isEqualTo("FASTLIMIT_CLIENT_IP_HEADER");
        assertThatThrownBy(() -> FastLimit.builder().set("colour", "blue"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'colour'").hasMessageContaining("key-prefix");
    }

    @Test
    void emptyEnvironmentGivesTheDefaults() {
        FastLimit limiter = FastLimit.builder().env(Map.of("FASTLIMIT_ALGORITHM", " ")).build();
        assertThat(limiter.algorithm()).isEqualTo(Algorithm.SLIDING_WINDOW);
        assertThat(limiter.keyPrefix()).isEqualTo("fastlimit");
        assertThat(limiter.dryRun()).isFalse();
        assertThat(limiter.headerStyle()).isSameAs(HeaderStyle.xRateLimit());
        assertThat(limiter.failurePolicy()).isEqualTo(FailurePolicy.OPEN);
        assertThat(limiter.backend()).isInstanceOf(MemoryBackend.class);
    }

    @Test
    void badEnvironmentValuesNameTheVariable() {
        Map<String, String> bad = Map.of(
                "FASTLIMIT_ALGORITHM", "leaky",
                "FASTLIMIT_KEY_PREFIX", "a b",
                "FASTLIMIT_DRY_RUN", "maybe",
                "FASTLIMIT_TRUSTED_PROXIES", "two",
                "FASTLIMIT_EXEMPT_IPS", "10.0.0.0/8,nonsense",
                "FASTLIMIT_HEADERS", "loud",
                "FASTLIMIT_FAILURE_POLICY", "panic");
        bad.forEach((name, value) -> assertThatThrownBy(() -> FastLimit.builder().env(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(value));
    }

    @Test
    void aMalformedRedisUrlFailsAtStartUpWithoutThePassword() {
        assertThatThrownBy(() -> FastLimit.builder().env(Map.of("FASTLIMIT_REDIS_URL", "redis://:s3cret@localhost:port/0")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://:***@localhost:port/0")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> FastLimit.builder().redisUrl("http://localhost:6379").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'http://localhost:6379'");
    }
}
