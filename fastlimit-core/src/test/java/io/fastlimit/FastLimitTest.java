package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(QuietLogs.class) // the warnings of backends and resolvers that fail on purpose
class FastLimitTest {

    /** 2030-01-01T00:01:00.000Z: the start of a minute, so fixed windows are easy to reason about. */
    private static final long MINUTE_START_MS = 1_893_456_060_000L;

    private final ManualClock clock = new ManualClock(MINUTE_START_MS);

    /** A real backend that remembers the keys it was asked about. */
    private static class KeyRecordingBackend implements Backend {
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
        RateLimitRule rule = RateLimitRule.builder("api").ip("10/min").user("30/min")
                .header("X-Api-Key", "20/min").headerResolver(HeaderIdentityResolver.validatedBy(Set.of("k1")::contains))
                .build();

        limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "k1"), "alice"));
        limiter.check(rule, withHeaders("192.0.2.1", Map.of("x-api-key", "k1"), null));
        limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "  "), ""));
        limiter.check(rule, from("2001:DB8:0::1"));

        assertThat(backend.keys).containsExactly(
                "app:api:user:{alice}", "app:api:header:{k1}", "app:api:ip:{192.0.2.1}", "app:api:ip:{2001:db8::/64}");
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
        assertThat(d.bucketChecked()).isFalse();
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
        assertThat(backend.keys.get(backend.keys.size() - 1)).isEqualTo("fastlimit:h:ip:{unknown}");
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

    /** How many of {@code requests} {@code rule} lets through. */
    private static int allowedOf(FastLimit limiter, RateLimitRule rule, List<ClientRequest> requests) {
        int allowed = 0;
        for (ClientRequest request : requests) {
            if (limiter.check(rule, request).allowed()) {
                allowed++;
            }
        }
        return allowed;
    }

    /** {@code count} requests from {@code ip}, each with a new made-up value of {@code header}. */
    private static List<ClientRequest> inventedValues(String ip, String header, int count) {
        List<ClientRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(withHeaders(ip, Map.of(header, "made-up-" + i), null));
        }
        return requests;
    }

    @Test
    void inventedHeaderValuesCannotLiftAClientAboveItsIpLimit() {
        MemoryBackend memory = memory();
        FastLimit limiter = limiter().backend(memory).build();
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "5/min").ip("2/min").build();
        assertThat(allowedOf(limiter, rule, inventedValues("192.0.2.1", "X-Api-Key", 100))).isEqualTo(2);
        assertThat(memory.size()).as("a spent address creates no bucket for its next made-up value").isEqualTo(3);
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).as("the IP bucket is spent").isFalse();
        assertThat(limiter.check(rule, from("192.0.2.2")).allowed()).as("another client").isTrue();

        // a header-only rule without a resolver counts its header rates per client IP too
        RateLimitRule headerOnly = RateLimitRule.builder("header-only").header("X-Api-Key", "5/min").build();
        assertThat(allowedOf(limiter, headerOnly, inventedValues("192.0.2.1", "X-Api-Key", 100))).isEqualTo(5);
        assertThat(allowedOf(limiter, headerOnly, inventedValues("192.0.2.3", "X-Api-Key", 100))).isEqualTo(5);
    }

    @Test
    void withoutAResolverOneValueIsStillLimitedByItsOwnBucketUnderTheIpCeiling() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "2/min").ip("5/min").build();
        ClientRequest keyA = withHeaders("192.0.2.1", Map.of("X-Api-Key", "key-a"), null);
        RateLimitDecision first = limiter.check(rule, keyA);
        assertThat(first.limit()).as("the tighter bucket is reported").isEqualTo(2);
        assertThat(limiter.check(rule, keyA).allowed()).isTrue();
        assertThat(limiter.check(rule, keyA).allowed()).isFalse();
        // the blocked request took nothing from the IP bucket: 5 - 2
        assertThat(limiter.check(rule, from("192.0.2.1")).remaining()).isEqualTo(2);
    }

    @Test
    void aResolverDecidesWhichHeaderValuesAreGenuineAndUnknownOnesCountAsTheIp() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).build();
        Map<String, String> issued = Map.of("key-a", "acme", "key-a2", "acme", "key-b", "globex", "boom", "boom");
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "5/min").ip("2/min")
                .headerResolver(value -> {
                    if (value.equals("boom")) {
                        throw new IllegalStateException("key store down");
                    }
                    return issued.get(value);
                })
                .build();

        assertThat(allowedOf(limiter, rule, inventedValues("192.0.2.1", "X-Api-Key", 100))).isEqualTo(2);
        assertThat(backend.keys).containsOnly("fastlimit:keys:ip:{192.0.2.1}");
        // a genuine key is keyed by its client's id, above the spent IP bucket; two keys of one client share it
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "key-a"), null)).allowed()).isTrue();
        }
        assertThat(limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "key-a2"), null)).remaining()).isEqualTo(1);
        assertThat(limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "key-b"), null)).remaining()).isEqualTo(4);
        assertThat(backend.keys).contains("fastlimit:keys:header:{acme}", "fastlimit:keys:header:{globex}");
        // a resolver that throws makes the value unknown, never a failure
        RateLimitDecision failing = limiter.check(rule, withHeaders("192.0.2.9", Map.of("X-Api-Key", "boom"), null));
        assertThat(failing.allowed()).isTrue();
        assertThat(failing.limit()).isEqualTo(2);
    }

    @Test
    void anUnknownValueOnAHeaderOnlyRuleCountsItsHeaderRatesPerIp() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).build();
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "3/min")
                .headerResolver(HeaderIdentityResolver.validatedBy("key-a"::equals)).build();
        assertThat(allowedOf(limiter, rule, inventedValues("192.0.2.1", "X-Api-Key", 100))).isEqualTo(3);
        assertThat(backend.keys).containsOnly("fastlimit:keys:ip:{192.0.2.1}");
        assertThat(limiter.check(rule, withHeaders("192.0.2.1", Map.of("X-Api-Key", "key-a"), null)).allowed()).isTrue();
        // a request without the header is not limited by a header-only rule, as before
        assertThat(limiter.check(rule, from("192.0.2.1")).bucketChecked()).isFalse();
    }

    @Test
    void trustAnyKeysEachValueOnItsOwn() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.builder("gateway").header("X-Client-Id", "1/min").ip("1/min")
                .headerResolver(HeaderIdentityResolver.trustAny()).build();
        assertThat(allowedOf(limiter, rule, inventedValues("10.0.0.2", "X-Client-Id", 10))).isEqualTo(10);
    }

    @Test
    void anIpCeilingAppliesToEveryRequestAndABlockedRequestConsumesNothing() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.builder("ceiling").user("10/min").ip("3/min").ipCeiling(true)
                .header("X-Api-Key", "10/min").headerResolver(HeaderIdentityResolver.trustAny()).build();
        ClientRequest alice = withHeaders("192.0.2.1", Map.of(), "alice");
        ClientRequest key = withHeaders("192.0.2.1", Map.of("X-Api-Key", "k1"), null);

        assertThat(limiter.check(rule, alice).limit()).as("the tighter bucket is reported").isEqualTo(3);
        assertThat(limiter.check(rule, key).remaining()).isEqualTo(1);
        assertThat(limiter.check(rule, alice).allowed()).isTrue();
        RateLimitDecision blocked = limiter.check(rule, alice);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.limit()).isEqualTo(3);
        // the user bucket gave back what the blocked request took: 10 - 2, seen from another address
        assertThat(limiter.check(rule, withHeaders("192.0.2.2", Map.of(), "alice")).remaining()).isEqualTo(2);
        FastLimit sameBackend = limiter().backend(limiter.backend()).build(); // the user bucket alone
        RateLimitDecision userBucket = sameBackend.check(RateLimitRule.builder("ceiling").user("10/min").build(), alice);
        assertThat(userBucket.remaining()).isEqualTo(6);
    }

    @Test
    void aRequestTurnedAwayByALaterRuleGivesBackBothBucketsOfAnEarlierOne() {
        FastLimit limiter = limiter().build();
        RateLimitRule keys = RateLimitRule.builder("keys").header("X-Api-Key", "5/min").ip("5/min").build();
        RateLimitRule strict = RateLimitRule.ip("strict", "1/min");
        ClientRequest req = withHeaders("192.0.2.1", Map.of("X-Api-Key", "k1"), null);
        assertThat(limiter.check(List.of(keys, strict), req).allowed()).isTrue();
        assertThat(limiter.check(List.of(keys, strict), req).allowed()).isFalse();
        assertThat(limiter.check(keys, req).remaining()).as("one request counted in each bucket, then this one").isEqualTo(3);
        assertThat(limiter.check(keys, from("192.0.2.1")).remaining()).isEqualTo(2);
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64() {
        MemoryBackend memory = memory();
        FastLimit limiter = limiter().backend(memory).build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        List<ClientRequest> oneNetwork = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            oneNetwork.add(from(String.format("2001:db8:1:2:%x:%x:%x:%x", i, i * 7919 & 0xffff, i * 31, i * 104_729 & 0xffff)));
        }
        assertThat(allowedOf(limiter, rule, oneNetwork)).isEqualTo(2);
        assertThat(memory.size()).as("one network, one key: it cannot crowd others out").isEqualTo(1);
        assertThat(limiter.check(rule, from("2001:db8:1:3::1")).allowed()).as("the next /64").isTrue();
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("192.0.2.2")).allowed()).as("IPv4 per address").isTrue();

        FastLimit perAddress = limiter().ipv6Prefix(128).build();
        assertThat(allowedOf(perAddress, rule, oneNetwork)).isEqualTo(100);
        FastLimit per48 = limiter().set("ipv6-prefix", "/48").build();
        assertThat(per48.check(rule, from("2001:db8:1:2::1")).allowed()).isTrue();
        assertThat(per48.check(rule, from("2001:db8:1:ffff::1")).allowed()).isTrue();
        assertThat(per48.check(rule, from("2001:db8:1:abcd::1")).allowed()).as("one /48").isFalse();
    }

    @Test
    void exemptingOneIpv6AddressDoesNotExemptItsNeighbours() {
        FastLimit limiter = limiter().exemptIps("2001:db8:1:2::1").build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.check(rule, from("2001:db8:1:2::1")).bucketChecked()).isFalse();
        }
        assertThat(limiter.check(rule, from("2001:db8:1:2::2")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("2001:db8:1:2::3")).allowed()).as("the neighbours share their /64").isFalse();

        FastLimit wholeNetwork = limiter().exemptIps("2001:db8:1:2::/64").build();
        assertThat(wholeNetwork.check(rule, from("2001:db8:1:2::3")).bucketChecked()).isFalse();
    }

    @Test
    void aClientNoTrustedProxyNamedIsLimitedAndNeverExempt() {
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        List<Map<String, String>> unnamed = List.of(Map.of(), Map.of("X-Forwarded-For", "unknown"),
                Map.of("X-Forwarded-For", "_hidden"), Map.of("X-Forwarded-For", "garbage"), Map.of("X-Forwarded-For", ""));
        for (FastLimit limiter : List.of(limiter().trustedProxies(1).exemptIps("10.0.0.0/8").build(),
                limiter().trustedProxies("10.0.0.0/8").exemptIps("10.0.0.0/8").build())) {
            List<ClientRequest> requests = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                for (Map<String, String> headers : unnamed) {
                    requests.add(withHeaders("10.0.0.2", headers, null));
                }
            }
            assertThat(allowedOf(limiter, rule, requests)).isEqualTo(2);
            assertThat(limiter.clientIp(requests.get(0))).isNull();
            // through another proxy: a bucket of its own; a named client: its own too
            assertThat(limiter.check(rule, withHeaders("10.0.0.3", Map.of(), null)).allowed()).isTrue();
            assertThat(limiter.check(rule, withHeaders("10.0.0.2", Map.of("X-Forwarded-For", "198.51.100.9"), null))
                    .allowed()).isTrue();
            // an internal client a proxy of ours named is exempt as configured
            assertThat(limiter.check(rule, withHeaders("10.0.0.2", Map.of("X-Forwarded-For", "10.1.1.1"), null))
                    .bucketChecked()).isFalse();
        }
    }

    @Test
    void aForwardedElementThatNamesNoClientIsLimitedAndNeverExempt() {
        FastLimit limiter = limiter().trustedProxies(1).clientIpHeader("Forwarded").exemptIps("10.0.0.0/8").build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        List<ClientRequest> requests = new ArrayList<>();
        for (String forwarded : List.of("for=unknown", "for=_hidden", "proto=https", "for=\"1.2.3.4", "for=1.2.3.4;for=5.6.7.8")) {
            for (int i = 0; i < 10; i++) {
                requests.add(withHeaders("10.0.0.2", Map.of("Forwarded", forwarded), null));
            }
        }
        assertThat(allowedOf(limiter, rule, requests)).isEqualTo(2);
        assertThat(limiter.clientIp(withHeaders("10.0.0.2",
                Map.of("Forwarded", "for=198.51.100.9;host=\"evil, for=6.6.6.6;x=\""), null))).isEqualTo("198.51.100.9");
    }

    @Test
    void trustedProxyAddressesPickTheClientAndIgnoreHeadersFromOthers() {
        KeyRecordingBackend backend = new KeyRecordingBackend(memory());
        FastLimit limiter = limiter().backend(backend).set("trusted-proxies", "10.0.0.0/8, 192.168.1.5").build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        for (int i = 0; i < 5; i++) {
            limiter.check(rule, withHeaders("10.0.0.2", Map.of("X-Forwarded-For", "6.6.6." + i + ", 198.51.100.9, 192.168.1.5"), null));
        }
        limiter.check(rule, withHeaders("203.0.113.5", Map.of("X-Forwarded-For", "198.51.100.1"), null));
        assertThat(backend.keys).containsOnly("fastlimit:r:ip:{198.51.100.9}", "fastlimit:r:ip:{203.0.113.5}");
    }

    @Test
    void ipv6PrefixAndTrustedProxiesComeFromSettingsAndBadValuesFailNamingThem() {
        FastLimit limiter = limiter().env(Map.of("FASTLIMIT_IPV6_PREFIX", "56",
                "FASTLIMIT_TRUSTED_PROXIES", "10.0.0.0/8 2001:db8::1")).build();
        assertThat(limiter.clientIp(withHeaders("2001:db8::1", Map.of("X-Forwarded-For", "198.51.100.9"), null)))
                .isEqualTo("198.51.100.9");
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        limiter.check(rule, from("2001:db8:1:200::1"));
        assertThat(limiter.check(rule, from("2001:db8:1:2ff::1")).allowed()).as("one /56").isFalse();

        for (String bad : List.of("0", "129", "abc", "15", "-64", "/")) {
            assertThatThrownBy(() -> FastLimit.builder().env(Map.of("FASTLIMIT_IPV6_PREFIX", bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FASTLIMIT_IPV6_PREFIX='" + bad + "'");
        }
        assertThatThrownBy(() -> FastLimit.builder().ipv6Prefix(129)).hasMessageContaining("129");
        assertThatThrownBy(() -> FastLimit.builder().ipv6Prefix(0)).hasMessageContaining(" 0:");
        assertThatThrownBy(() -> FastLimit.builder().env(Map.of("FASTLIMIT_TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0.0/99")))
                .hasMessageContaining("FASTLIMIT_TRUSTED_PROXIES='10.0.0.0/8, 10.0.0.0/99'").hasMessageContaining("'10.0.0.0/99'");
        assertThatThrownBy(() -> FastLimit.builder().trustedProxies("proxy.example")).hasMessageContaining("'proxy.example'");
        assertThatThrownBy(() -> FastLimit.builder().set("trusted-proxies", "33")).hasMessageContaining("33");
    }

    @Test
    void rulesRejectAResolverWithoutAHeaderAndACeilingWithoutIpRates() {
        assertThatThrownBy(() -> RateLimitRule.builder("r").ip("1/min").headerResolver(HeaderIdentityResolver.trustAny()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no header rate");
        assertThatThrownBy(() -> RateLimitRule.builder("r").user("1/min").ipCeiling(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no ip rates");
    }

    @Test
    void resetForgetsTheResolvedHeaderBucketAndTheIpBucket() {
        FastLimit limiter = limiter().build();
        RateLimitRule rule = RateLimitRule.builder("r").header("X-Api-Key", "1/min").ip("1/min")
                .headerResolver(value -> value.equals("key-a") ? "acme" : null).build();
        ClientRequest genuine = withHeaders("2001:db8::1", Map.of("X-Api-Key", "key-a"), null);
        ClientRequest unknown = withHeaders("2001:db8::2", Map.of("X-Api-Key", "nope"), null);
        limiter.check(rule, genuine);
        limiter.check(rule, unknown);
        assertThat(limiter.check(rule, genuine).allowed()).isFalse();
        assertThat(limiter.check(rule, unknown).allowed()).isFalse();
        limiter.reset(rule, genuine);
        assertThat(limiter.check(rule, genuine).allowed()).isTrue();
        assertThat(limiter.check(rule, unknown).allowed()).isTrue();
    }

    @Test
    void exemptAddressesAndRangesPassUntouched() {
        FastLimit limiter = limiter().exemptIps("10.0.0.0/8", "2001:db8::/32", "192.0.2.7").build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        for (String ip : new String[] {"10.1.2.3", "2001:db8::99", "192.0.2.7", "::ffff:10.0.0.1"}) {
            for (int i = 0; i < 3; i++) {
                RateLimitDecision d = limiter.check(rule, from(ip));
                assertThat(d.allowed()).isTrue();
                assertThat(d.bucketChecked()).isFalse();
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
    void ietfPolicyNamesTheWindowOfTheRateReportedWhenTwoRatesShareALimit() {
        FastLimit limiter = limiter().headers(HeaderStyle.ietf()).build();
        RateLimitRule rule = RateLimitRule.ip("search", "10/s;10/min");
        for (int remaining = 9; remaining >= 0; remaining--) {
            RateLimitDecision d = limiter.check(rule, from("192.0.2.1"));
            // as many left in both: the per-minute rate, whole again last, is the one reported
            assertThat(d.windowMillis()).isEqualTo(60_000);
            assertThat(d.headers()).containsEntry("RateLimit-Policy", "\"search\";q=10;w=60")
                    .containsEntry("RateLimit", "\"search\";r=" + remaining + ";t=60");
        }
        clock.advance(Duration.ofSeconds(1)); // the per-second rate is whole again, the per-minute one spent
        RateLimitDecision blocked = limiter.check(rule, from("192.0.2.1"));
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.headers()).containsEntry("RateLimit-Policy", "\"search\";q=10;w=60")
                .containsEntry("Retry-After", "59");
    }

    @Test
    void aBackendThatDoesNotTellWhichBucketItDescribesHasItFoundByItsLimit() {
        Backend memory = memory();
        Backend withoutIndex = new KeyRecordingBackend(memory) {
            @Override
            public synchronized BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
                BackendResult r = super.checkAndIncrement(key, buckets, cost);
                return new BackendResult(r.allowed(), r.limit(), r.remaining(), r.resetMs(), r.retryAfterMs());
            }
        };
        FastLimit limiter = limiter().backend(withoutIndex).headers(HeaderStyle.ietf()).build();
        RateLimitDecision d = limiter.check(RateLimitRule.ip("search", "10/s;5/min"), from("192.0.2.1"));
        assertThat(d.headers()).containsEntry("RateLimit-Policy", "\"search\";q=5;w=60");
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

        Consumption allowed = limiter.acquire(global, req);
        allowed.giveBack();
        assertThat(limiter.check(global, req).remaining()).as("refunded by hand").isZero();
        Consumption.nothing().giveBack(); // nothing to give back, no error
    }

    @Test
    void failOpenLetsRequestsThroughWithoutHeaders() {
        FlakyBackend backend = new FlakyBackend(memory());
        FastLimit limiter = limiter().backend(backend).failurePolicy(FailurePolicy.OPEN).build();
        RateLimitRule rule = RateLimitRule.ip("r", "1/min");
        for (int i = 0; i < 3; i++) {
            RateLimitDecision d = limiter.check(rule, from("192.0.2.1"));
            assertThat(d.allowed()).isTrue();
            assertThat(d.bucketChecked()).isFalse();
        }
        assertThat(limiter.failurePolicyDecisions()).isEqualTo(3);
        backend.down.set(false);
        assertThat(limiter.check(rule, from("192.0.2.1")).bucketChecked()).isTrue();
    }

    @Test
    void byDefaultAFailingBackendIsReplacedByALocalLimitAndEachDecisionCounted() {
        FlakyBackend backend = new FlakyBackend(memory());
        FastLimit limiter = limiter().backend(backend).build();
        RateLimitRule rule = RateLimitRule.ip("r", "2/min");
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).isTrue();
        assertThat(limiter.check(rule, from("192.0.2.1")).allowed()).as("the local limit holds").isFalse();
        assertThat(limiter.failurePolicyDecisions()).isEqualTo(3);
        backend.down.set(false);
        limiter.check(rule, from("192.0.2.1"));
        assertThat(limiter.failurePolicyDecisions()).as("the backend answered this one").isEqualTo(3);
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
        assertThat(limiter.check(RateLimitRule.ip("r", "1/min"), withHeaders("10.9.9.9", Map.of("X-Forwarded-For", "::1"), null))
                .bucketChecked()).isFalse();
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
        assertThat(FastLimitSettings.NAMES).contains("redis-url", "client-ip-header");
        assertThat(FastLimitSettings.envVariable("client-ip-header")).isEqualTo("FASTLIMIT_CLIENT_IP_HEADER");
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
        assertThat(limiter.failurePolicy()).isEqualTo(FailurePolicy.LOCAL);
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
}
