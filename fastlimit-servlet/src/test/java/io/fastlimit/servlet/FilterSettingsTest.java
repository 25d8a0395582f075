package io.fastlimit.servlet;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.HeaderStyle;
import io.fastlimit.servlet.app.KnownApiKeys;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading init-params, without a container: names, defaults, the environment fallback, messages. */
class FilterSettingsTest {

    private static Map<String, String> read(Map<String, String> params) {
        return FilterSettings.read("f", Collections.enumeration(params.keySet()), params::get);
    }

    private static RateLimitRule rule(String filterName, Map<String, String> params) {
        return FilterSettings.rule(filterName, params, FilterSettingsTest.class.getClassLoader());
    }

    @Test
    void defaultRuleNamesAreTheFilterNameMadeFitForKeys() {
        assertThat(FilterSettings.ruleName("login")).isEqualTo("login");
        assertThat(FilterSettings.ruleName("api/v1.orders-export_2")).isEqualTo("api/v1.orders-export_2");
        assertThat(FilterSettings.ruleName("my filter {1}:x")).isEqualTo("my_filter__1__x");
        assertThat(FilterSettings.ruleName("\u00e9t\u00e9")).isEqualTo("_t_");
        assertThat(FilterSettings.ruleName("x".repeat(300))).hasSize(128);
        assertThat(FilterSettings.ruleName("")).isEqualTo("fastlimit");
        assertThat(FilterSettings.ruleName(null)).isEqualTo("fastlimit");
        // stable: the same filter name gives the same rule name every time, in every process
        assertThat(FilterSettings.ruleName("my filter")).isEqualTo(FilterSettings.ruleName("my filter"));
    }

    @Test
    void blankInitParamsCountAsUnsetAndValuesAreTrimmed() {
        Map<String, String> params = read(Map.of("ip", "  10/min ", "user", "  ", "name", "\tapi\n"));
        assertThat(params).containsExactlyInAnyOrderEntriesOf(Map.of("ip", "10/min", "name", "api"));
    }

    @Test
    void everyRuleInitParamReachesTheRule() {
        RateLimitRule rule = rule("my filter", read(Map.of(
                "ip", "10/s;500/hour", "user", "1000/min", "header", "50/min", "header-name", "X-Api-Key",
                "cost", "2", "algorithm", "token-bucket")));

        assertThat(rule.name()).isEqualTo("my_filter");
        assertThat(rule.rates(Scope.IP)).hasSize(2);
        assertThat(rule.rates(Scope.USER).get(0).limit()).isEqualTo(1000);
        assertThat(rule.headerName()).isEqualTo("X-Api-Key");
        assertThat(rule.cost()).isEqualTo(2);
        assertThat(rule.algorithm()).contains(Algorithm.TOKEN_BUCKET);
        assertThat(rule("f", read(Map.of("ip", "1/s", "name", "explicit"))).name()).isEqualTo("explicit");
    }

    @Test
    void aHeaderRateNeedsItsHeaderNameAndTheOtherWayRound() {
        assertThatThrownBy(() -> rule("f", read(Map.of("header", "5/min"))))
                .hasMessageContaining("header='5/min'").hasMessageContaining("needs init-param header-name");
        assertThatThrownBy(() -> rule("f", read(Map.of("ip", "5/min", "header-name", "X-Key"))))
                .hasMessageContaining("header-name='X-Key'").hasMessageContaining("needs init-param header");
        assertThatThrownBy(() -> rule("f", read(Map.of("header", "5/min", "header-name", "X Key"))))
                .hasMessageContaining("Invalid init-param header-name='X Key'");
    }

    @Test
    void aHeaderResolverAndAnIpCeilingReachTheRule() {
        RateLimitRule rule = rule("f", read(Map.of("header", "5/min", "header-name", "X-Api-Key", "ip", "2/min",
                "header-resolver", KnownApiKeys.class.getName(), "ip-ceiling", "yes")));
        assertThat(rule.headerResolver()).containsInstanceOf(KnownApiKeys.class);
        assertThat(rule.ipCeiling()).isTrue();
        assertThat(rule("f", read(Map.of("header", "5/min", "header-name", "X-Api-Key",
                "header-resolver", "io.fastlimit.HeaderIdentityResolver$TrustAny"))).headerResolver())
                .containsInstanceOf(HeaderIdentityResolver.TrustAny.class);
        assertThat(rule("f", read(Map.of("ip", "1/s"))).headerResolver()).isEmpty();
    }

    @Test
    void aHeaderResolverWithoutAHeaderOrACeilingWithoutAnIpRateIsRefusedNamingTheInitParam() {
        assertThatThrownBy(() -> rule("f", read(Map.of("ip", "5/min", "header-resolver", KnownApiKeys.class.getName()))))
                .hasMessageContaining("Invalid init-param header-resolver='" + KnownApiKeys.class.getName() + "' of filter 'f'")
                .hasMessageContaining("no header rate");
        assertThatThrownBy(() -> rule("f", read(Map.of("header", "5/min", "header-name", "X-Api-Key",
                "header-resolver", "java.lang.String"))))
                .hasMessageContaining("header-resolver='java.lang.String'")
                .hasMessageContaining("does not implement io.fastlimit.HeaderIdentityResolver");
        assertThatThrownBy(() -> rule("f", read(Map.of("user", "5/min", "ip-ceiling", "true"))))
                .hasMessageContaining("Invalid init-param ip-ceiling='true' of filter 'f'").hasMessageContaining("ip");
        assertThatThrownBy(() -> rule("f", read(Map.of("ip", "5/min", "ip-ceiling", "always"))))
                .hasMessageContaining("Invalid init-param ip-ceiling='always'");
    }

    @Test
    void ipv6PrefixAndTrustedProxyAddressesAreLimiterSettings() {
        Map<String, String> params = FilterSettings.limiterParams(read(Map.of("ip", "1/s", "ipv6-prefix", "/56",
                "trusted-proxies", "10.0.0.0/8, 192.168.1.5")));
        assertThat(params).containsOnlyKeys("ipv6-prefix", "trusted-proxies");
        try (FastLimit limiter = FilterSettings.buildLimiter("f", params, Map.of("FASTLIMIT_IPV6_PREFIX", "128"))) {
            assertThat(limiter.clientIp(ClientRequest.of("192.168.1.5",
                    Map.of("X-Forwarded-For", java.util.List.of("6.6.6.6, 198.51.100.9")), null))).isEqualTo("198.51.100.9");
            RateLimitRule perIp = RateLimitRule.ip("r", "1/min");
            limiter.check(perIp, ClientRequest.of("2001:db8:1:200::1"));
            assertThat(limiter.check(perIp, ClientRequest.of("2001:db8:1:2ff::9")).allowed()).as("one /56").isFalse();
        }
        for (String bad : java.util.List.of("0", "129", "abc")) {
            assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of("ipv6-prefix", bad), Map.of()))
                    .hasMessageContaining("Invalid init-param ipv6-prefix='" + bad + "' of filter 'f'");
        }
        assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of(), Map.of("FASTLIMIT_IPV6_PREFIX", "129")))
                .hasMessageContaining("FASTLIMIT_IPV6_PREFIX='129'");
    }

    @Test
    void aCostAboveALimitIsReportedAgainstTheCostInitParam() {
        assertThatThrownBy(() -> rule("f", read(Map.of("ip", "5/min", "cost", "6"))))
                .hasMessageContaining("Invalid init-param cost='6' of filter 'f'")
                .hasMessageContaining("larger than its limit");
    }

    @Test
    void limiterSettingsFallBackToTheEnvironmentAndInitParamsWin() {
        Map<String, String> env = Map.of(
                "FASTLIMIT_HEADERS", "ietf",
                "FASTLIMIT_DRY_RUN", "true",
                "FASTLIMIT_KEY_PREFIX", "from-env",
                "FASTLIMIT_ALGORITHM", "fixed_window",
                "FASTLIMIT_FAILURE_POLICY", "closed");
        try (FastLimit fromEnv = FilterSettings.buildLimiter("f", Map.of(), env)) {
            assertThat(fromEnv.headerStyle()).isEqualTo(HeaderStyle.ietf());
            assertThat(fromEnv.dryRun()).isTrue();
            assertThat(fromEnv.keyPrefix()).isEqualTo("from-env");
            assertThat(fromEnv.algorithm()).isEqualTo(Algorithm.FIXED_WINDOW);
            assertThat(fromEnv.failurePolicy()).isEqualTo(FailurePolicy.CLOSED);
        }
        Map<String, String> params = FilterSettings.limiterParams(read(Map.of(
                "ip", "1/s", "headers", "none", "dry-run", "off", "key-prefix", "from-xml", "failure-policy", "local")));
        try (FastLimit fromXml = FilterSettings.buildLimiter("f", params, env)) {
            assertThat(fromXml.headerStyle()).isEqualTo(HeaderStyle.none());
            assertThat(fromXml.dryRun()).isFalse();
            assertThat(fromXml.keyPrefix()).isEqualTo("from-xml");
            assertThat(fromXml.algorithm()).isEqualTo(Algorithm.FIXED_WINDOW);
            assertThat(fromXml.failurePolicy()).isEqualTo(FailurePolicy.LOCAL);
        }
    }

    @Test
    void metricsWithoutMicrometerOnTheClassPathFailsNamingTheInitParam() {
        // this module's tests run without Micrometer, as a webapp that did not add it would
        assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of("metrics", "true"), Map.of()))
                .hasMessageContaining("Init-param metrics of filter 'f' asks for meters")
                .hasMessageContaining("io.micrometer:micrometer-core")
                .hasMessageContaining("io.fastlimit:fastlimit-micrometer");
        assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of("metrics", "prometheus"), Map.of()))
                .hasMessageContaining("Invalid init-param metrics='prometheus' of filter 'f'")
                .hasMessageContaining("expected true or false");
        FilterSettings.buildLimiter("f", Map.of("metrics", "false"), Map.of()).close();
    }

    @Test
    void aBadEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of(), Map.of("FASTLIMIT_HEADERS", "loud")))
                .hasMessageContaining("FASTLIMIT_HEADERS='loud'");
    }

    @Test
    void aRedisUrlThatCannotBeUsedIsReportedAgainstItsSourceWithoutThePassword() {
        assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of("redis-url", "redis://u:pw@127.0.0.1:port"), Map.of()))
                .hasMessageContaining("init-param redis-url='redis://u:***@127.0.0.1:port'")
                .hasMessageNotContaining(":pw@");
        assertThatThrownBy(() -> FilterSettings.buildLimiter("f", Map.of(), Map.of("FASTLIMIT_REDIS_URL", "redis://:pw@h:1/db")))
                .hasMessageContaining("FASTLIMIT_REDIS_URL='redis://:***@h:1/db'")
                .hasMessageNotContaining(":pw@");
    }

    @Test
    void limiterSettingsOfSeveralFiltersMergeAndMustAgree() {
        Map<String, Map<String, String>> byFilter = new LinkedHashMap<>();
        byFilter.put("global", new TreeMap<>(Map.of("redis-url", "redis://:pw@h:6379", "headers", "ietf")));
        byFilter.put("login", new TreeMap<>(Map.of("headers", "ietf")));
        byFilter.put("admin", Map.of());
        assertThat(FilterSettings.merge(byFilter))
                .containsExactlyInAnyOrderEntriesOf(Map.of("redis-url", "redis://:pw@h:6379", "headers", "ietf"));

        byFilter.put("admin", Map.of("redis-url", "redis://:other@h:6380"));
        assertThatThrownBy(() -> FilterSettings.merge(byFilter))
                .hasMessageContaining("Init-param redis-url differs between filters 'global' ('redis://:***@h:6379')"
                        + " and 'admin' ('redis://:***@h:6380')")
                .hasMessageNotContaining("pw@").hasMessageNotContaining("other@");
    }

    @Test
    void unknownInitParamsAreRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> read(Map.of("ratelimit", "10/min")))
                .hasMessageContaining("Unknown init-param 'ratelimit' of filter 'f'")
                .hasMessageContaining("ip, user, header, header-name");
    }
}
