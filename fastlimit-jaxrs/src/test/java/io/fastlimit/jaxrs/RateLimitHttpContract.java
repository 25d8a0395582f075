package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.HeaderStyle;
import io.fastlimit.backends.Backend;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.core.Application;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour of {@link FastLimitFeature} over HTTP, in a real Jetty, through REST Assured. Each
 * subclass supplies the backend, and may run the suite on another JAX-RS implementation than Jersey
 * ({@link #implementation()}); the suite is the same for all of them.
 *
 * <p>One server hosts several JAX-RS applications, one per limiter configuration, each under its
 * own path and key prefix; the backend is cleared before each test. {@code MemoryBackendHttpTest}
 * and {@code RedisBackendHttpTest} run it; a backend that cannot follow the test's clock overrides
 * {@link #backendFollowsClock()}, and the tests that move time are skipped for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RateLimitHttpContract {

    /** The clock of the limiters, and of the backend when {@link #backendFollowsClock()}. */
    protected final ManualClock clock = new ManualClock();

    private Backend backend;
    private final List<FastLimit> limiters = new ArrayList<>();
    private JaxRsServer server;

    /** A fresh backend for this suite; it is cleared before each test and closed after the last. */
    protected abstract Backend createBackend(Clock clock);

    /** The JAX-RS implementation the suite runs on: Jersey by default. */
    protected JaxRsServer.Kind implementation() {
        return JaxRsServer.Kind.JERSEY;
    }

    /**
     * Whether the backend reads {@link #clock} (the memory backend does). Redis reads its own clock, so
     * tests that move time, or assert exact times, are skipped for it.
     */
    protected boolean backendFollowsClock() {
        return true;
    }

    @BeforeAll
    void startServer() throws Exception {
        backend = createBackend(clock);
        Map<String, Application> apps = new LinkedHashMap<>();
        apps.put("api", application(feature(b -> b)));
        apps.put("ietf", application(feature(b -> b.headers(HeaderStyle.ietf()))));
        apps.put("none", application(feature(b -> b.headers(HeaderStyle.none()))));
        apps.put("dry", application(feature(b -> b.dryRun(true))));
        apps.put("proxied", application(feature(b -> b.trustedProxies(1).exemptIps("203.0.113.0/24"))));
        apps.put("local", application(feature(b -> b.exemptIps("127.0.0.1"))));
        apps.put("keys", application(feature(b -> b)
                .withHeaderResolver("x-partner-key", HeaderIdentityResolver.validatedBy("partner-1"::equals))));
        apps.put("v6", application(feature(b -> b.trustedProxies("127.0.0.1"))));
        apps.put("lb", application(feature(b -> b.trustedProxies(1).exemptIps("127.0.0.0/8"))));
        apps.put("lbfwd", application(feature(b -> b.trustedProxies(1).clientIpHeader("Forwarded").exemptIps("127.0.0.0/8"))));
        apps.put("cidr", application(feature(b -> b.trustedProxies("127.0.0.0/8", "10.0.0.0/8").exemptIps("10.0.0.0/8"))));
        apps.put("custom", application(feature(b -> b.headers(HeaderStyle.custom("Quota-Limit", "Quota-Left", null, "Retry-After")))
                .withUserResolver(RateLimitHttpContract::account), TestResources.PlainTextMapper.class));
        server = implementation().start(apps);
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        limiters.forEach(FastLimit::close);
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void clearBackend() {
        backend.clearAll();
    }

    private FastLimitFeature feature(UnaryOperator<FastLimit.Builder> settings) {
        String prefix = "test" + limiters.size();
        FastLimit limiter = settings.apply(FastLimit.builder().backend(backend).clock(clock).keyPrefix(prefix)).build();
        limiters.add(limiter);
        return new FastLimitFeature(limiter);
    }

    /**
     * An application declared the standard way: resources and providers as classes, the feature, which
     * holds its limiter, as a singleton; {@code providers} are more classes, such as an exception mapper.
     */
    private static Application application(FastLimitFeature feature, Class<?>... providers) {
        Set<Class<?>> classes = new LinkedHashSet<>(List.of(TestResources.Limited.class, TestResources.BothLimits.class,
                TestResources.PoliteGreeting.class, TestResources.Plain.class, TestResources.TestSecurity.class));
        classes.addAll(List.of(providers));
        return new Application() {
            @Override
            public Set<Class<?>> getClasses() {
                return classes;
            }

            @Override
            public Set<Object> getSingletons() {
                return Set.of(feature);
            }
        };
    }

    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(server.port());
    }

    private Response get(String path) {
        return http().get(path);
    }

    // ---- IP scope ----

    @Test
    void ipLimitCountsDownThenAnswers429() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            Response ok = get("/api/limited/ip");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(remaining));
            assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isPositive();
        }
        Response blocked = get("/api/limited/ip");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(blocked.header("X-RateLimit-Remaining")).isEqualTo("0");
        // the mapper and the response filter both write the headers: each must be there once
        assertThat(blocked.headers().getValues("X-RateLimit-Limit")).hasSize(1);
        assertThat(blocked.headers().getValues("Retry-After")).hasSize(1);
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(blocked.contentType()).startsWith("application/json");
        assertThat(blocked.asString()).isEqualTo("{\"detail\": \"Rate limit exceeded. Try again in " + retryAfter
                + "s.\", \"retry_after\": " + retryAfter + "}");
    }

    @Test
    void retryAfterAndResetFollowTheWindow() {
        assumeTrue(backendFollowsClock());
        Response first = get("/api/limited/ip");
        assertThat(first.header("X-RateLimit-Reset")).isEqualTo(Long.toString((clock.millis() + 60_000 + 999) / 1000));
        get("/api/limited/ip");
        get("/api/limited/ip");
        clock.advance(Duration.ofSeconds(20));
        Response blocked = get("/api/limited/ip");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("Retry-After")).isEqualTo("40");
        assertThat(blocked.asString()).isEqualTo("{\"detail\": \"Rate limit exceeded. Try again in 40s.\", \"retry_after\": 40}");

        clock.advance(Duration.ofSeconds(40));
        Response again = get("/api/limited/ip");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.header("X-RateLimit-Remaining")).isEqualTo("2");
    }

    @Test
    void withoutTrustedProxiesTheClientIsThePeerAndForwardedForIsIgnored() {
        for (int i = 0; i < 3; i++) {
            assertThat(http().header("X-Forwarded-For", "198.51.100." + i).get("/api/limited/ip").statusCode()).isEqualTo(200);
        }
        assertThat(http().header("X-Forwarded-For", "198.51.100.99").get("/api/limited/ip").statusCode()).isEqualTo(429);
    }

    @Test
    void theClientAddressIsThePeerOfTheConnection() {
        // only the real peer, 127.0.0.1, can make the exempt address of this application match
        for (int i = 0; i < 5; i++) {
            Response response = get("/local/limited/ip");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.header("X-RateLimit-Limit")).isNull();
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            assertThat(http().header("X-Forwarded-For", "198.51.100.1").get("/proxied/limited/ip").statusCode()).isEqualTo(200);
        }
        assertThat(http().header("X-Forwarded-For", "198.51.100.1").get("/proxied/limited/ip").statusCode()).isEqualTo(429);
        // a forged entry to the left of what our proxy wrote changes nothing
        assertThat(http().header("X-Forwarded-For", "192.0.2.50, 198.51.100.1").get("/proxied/limited/ip").statusCode())
                .isEqualTo(429);
        Response other = http().header("X-Forwarded-For", "198.51.100.2").get("/proxied/limited/ip");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.header("X-RateLimit-Remaining")).isEqualTo("2");
    }

    @Test
    void exemptClientsAreNeitherCountedNorGivenHeaders() {
        for (int i = 0; i < 6; i++) {
            Response response = http().header("X-Forwarded-For", "203.0.113.9").get("/proxied/limited/ip");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.header("X-RateLimit-Limit")).isNull();
        }
    }

    // ---- user and header scopes ----

    @Test
    void aSignedInUserHasAUserBucketAndAnonymousClientsTheIpBucket() {
        for (int remaining = 3; remaining >= 0; remaining--) {
            Response ok = http().header("X-Test-User", "alice").get("/api/limited/user");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("4");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(remaining));
        }
        assertThat(http().header("X-Test-User", "alice").get("/api/limited/user").statusCode()).isEqualTo(429);
        assertThat(http().header("X-Test-User", "bob").get("/api/limited/user").statusCode()).isEqualTo(200);

        Response anonymous = get("/api/limited/user");
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.header("X-RateLimit-Limit")).isEqualTo("2");
        get("/api/limited/user");
        assertThat(get("/api/limited/user").statusCode()).isEqualTo(429);
        assertThat(http().header("X-Test-User", "carol").get("/api/limited/user").statusCode()).isEqualTo(200);
    }

    @Test
    void aUserResolverOfTheApplicationReplacesTheSecurityContext() {
        for (int i = 0; i < 4; i++) {
            Response ok = http().header("X-Account", "acme").get("/custom/limited/user");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("Quota-Limit")).isEqualTo("4");
        }
        assertThat(http().header("X-Account", "acme").get("/custom/limited/user").statusCode()).isEqualTo(429);
        // the security context is not consulted by this application's resolver
        Response other = http().header("X-Test-User", "acme").header("X-Account", "globex").get("/custom/limited/user");
        assertThat(other.statusCode()).isEqualTo(200);
    }

    /** The custom application's user resolver: the X-Account header; "boom" makes it throw. */
    private static String account(jakarta.ws.rs.container.ContainerRequestContext request) {
        String account = request.getHeaderString("X-Account");
        if ("boom".equals(account)) {
            throw new IllegalStateException("the account service is down");
        }
        return account;
    }

    @Test
    @ExtendWith(QuietLogs.class) // the warning of a resolver that throws on purpose
    void aUserResolverThatThrowsMakesTheRequestAnonymousNeverA500() {
        Response anonymous = http().header("X-Account", "boom").get("/custom/limited/user");
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.header("Quota-Limit")).as("the IP bucket of the anonymous").isEqualTo("2");
    }

    @Test
    void anApiKeyHeaderHasItsOwnBucketAndNoKeyFallsBackToTheIp() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            Response ok = http().header("X-Api-Key", "key-1").get("/api/limited/key");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(remaining));
        }
        assertThat(http().header("X-Api-Key", "key-1").get("/api/limited/key").statusCode()).isEqualTo(429);
        assertThat(http().header("x-api-key", "key-2").get("/api/limited/key").statusCode()).isEqualTo(200);

        Response noKey = get("/api/limited/key");
        assertThat(noKey.statusCode()).isEqualTo(200);
        assertThat(noKey.header("X-RateLimit-Limit")).isEqualTo("2");
        Response blankKey = http().header("X-Api-Key", "  ").get("/api/limited/key");
        assertThat(blankKey.header("X-RateLimit-Remaining")).isEqualTo("0");
    }

    // ---- identities a client can invent ----

    /** How many of {@code count} requests, each made by {@code request} for its index, answered 200; never a 500. */
    private static int passed(int count, IntFunction<Response> request) {
        int passed = 0;
        for (int i = 0; i < count; i++) {
            Response response = request.apply(i);
            assertNoServerError(response);
            if (response.statusCode() == 200) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void inventedApiKeysFromOneAddressGetNoMoreThanItsIpLimit() {
        assertThat(passed(100, i -> http().header("X-Api-Key", "made-up-" + i).get("/api/limited/unverified-key")))
                .as("no resolver: unverified keys count against the IP rate too").isEqualTo(2);
        assertThat(passed(100, i -> http().header("X-Api-Key", "made-up-" + i).get("/api/limited/key")))
                .as("with a resolver: unknown keys are the IP").isEqualTo(2);
        assertThat(get("/api/limited/key").statusCode()).isEqualTo(429);
        Response issued = http().header("X-Api-Key", "key-2").get("/api/limited/key");
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(issued.header("X-RateLimit-Limit")).isEqualTo("3");
    }

    @Test
    void aResolverGivenToTheFeatureDecidesForItsHeader() {
        assertThat(passed(20, i -> http().header("X-Partner-Key", "made-up-" + i).get("/keys/limited/partner"))).isEqualTo(2);
        assertThat(passed(6, i -> http().header("X-Partner-Key", "partner-1").get("/keys/limited/partner"))).isEqualTo(5);
        // the application without that resolver: the same key is unverified, under its IP rate
        assertThat(passed(6, i -> http().header("X-Partner-Key", "partner-1").get("/api/limited/partner"))).isEqualTo(2);
    }

    @Test
    void anIpCeilingCapsSignedInUsers() {
        assertThat(passed(5, i -> http().header("X-Test-User", "user-" + i).get("/api/limited/ceiling"))).isEqualTo(2);
        Response blocked = http().header("X-Test-User", "alice").get("/api/limited/ceiling");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("2");
    }

    @Test
    void aHundredAddressesOfOneIpv6NetworkShareOneBucket() {
        assertThat(passed(100, i -> http().header("X-Forwarded-For", String.format("2001:db8:7:7:%x::%x", i * 13, i + 1))
                .get("/v6/limited/ip"))).isEqualTo(3);
        assertThat(http().header("X-Forwarded-For", "2001:db8:7:8::1").get("/v6/limited/ip").statusCode()).isEqualTo(200);
    }

    @Test
    void requestsAnExemptTrustedProxyDidNotNameShareOneLimitedBucket() {
        int passed = passed(10, i -> get("/lb/limited/ip"));
        for (String forwardedFor : List.of("unknown", "_hidden", "garbage", ",")) {
            passed += passed(10, i -> http().header("X-Forwarded-For", forwardedFor).get("/lb/limited/ip"));
        }
        assertThat(passed).isEqualTo(3);

        passed = 0;
        for (String forwarded : List.of("for=unknown", "for=_hidden", "proto=https", "for=\"198.51.100.9", "for=1.2.3.4;for=5.6.7.8")) {
            passed += passed(10, i -> http().header("Forwarded", forwarded).get("/lbfwd/limited/ip"));
        }
        assertThat(passed).isEqualTo(3);
    }

    @Test
    void aQuotedStringInForwardedCannotChooseTheBucket() {
        assertThat(passed(5, i -> http().header("Forwarded", "for=198.51.100.9;host=\"evil, for=6.6.6." + i + ";x=\"")
                .get("/lbfwd/limited/ip"))).isEqualTo(3);
        assertThat(http().header("Forwarded", "for=198.51.100.9").get("/lbfwd/limited/ip").statusCode()).isEqualTo(429);
        assertThat(http().header("Forwarded", "for=6.6.6.0").get("/lbfwd/limited/ip").statusCode()).isEqualTo(200);
    }

    @Test
    void withTrustedProxyAddressesAPrependedForwardedForEntryCannotChooseTheBucket() {
        assertThat(passed(10, i -> http().header("X-Forwarded-For", "6.6.6." + i + ", 198.51.100.9, 10.0.0.7")
                .get("/cidr/limited/ip"))).isEqualTo(3);
        Response internal = http().header("X-Forwarded-For", "10.1.1.1, 10.0.0.7").get("/cidr/limited/ip");
        assertThat(internal.statusCode()).isEqualTo(200);
        assertThat(internal.header("X-RateLimit-Limit")).as("exempt: named by proxies of ours").isNull();
    }

    @Test
    void hostileForwardedValuesNeverCauseAServerError() {
        for (String value : List.of("for=\"", "for=\"\\", "\"\"\"", "for=;;;,,,;", "for=\"[::1\"", "for=[::1]:99999",
                "for=1.2.3.4, ".repeat(300) + "for=\"unterminated", "by=\"a\\\"b\";for=\"_x\"", "\u00e9=\u00e8",
                "for=\"\u0001\"")) {
            assertNoServerError(http().header("Forwarded", value).get("/lbfwd/limited/ip"));
        }
    }

    // ---- class and method limits, cost, names ----

    @Test
    void classAndMethodLimitsBothApplyAndTheHeadersReportTheTighter() {
        Response a1 = get("/api/both/a");
        assertThat(a1.header("X-RateLimit-Limit")).isEqualTo("2");
        assertThat(a1.header("X-RateLimit-Remaining")).isEqualTo("1");
        Response a2 = get("/api/both/a");
        assertThat(a2.header("X-RateLimit-Remaining")).isEqualTo("0");
        Response a3 = get("/api/both/a");
        assertThat(a3.statusCode()).isEqualTo(429);
        assertThat(a3.header("X-RateLimit-Limit")).isEqualTo("2");

        // the class limit is one bucket for all methods: a spent 2 of its 5, the blocked call none
        Response b = get("/api/both/b");
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.header("X-RateLimit-Limit")).isEqualTo("5");
        assertThat(b.header("X-RateLimit-Remaining")).isEqualTo("2");
        assertThat(get("/api/both/c").header("X-RateLimit-Remaining")).isEqualTo("1");
        assertThat(get("/api/both/b").header("X-RateLimit-Remaining")).isEqualTo("0");
        Response blocked = get("/api/both/c");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("5");
    }

    @Test
    void aCostlyRequestConsumesItsCost() {
        assertThat(get("/api/limited/cost").header("X-RateLimit-Remaining")).isEqualTo("6");
        assertThat(get("/api/limited/cost").header("X-RateLimit-Remaining")).isEqualTo("2");
        Response blocked = get("/api/limited/cost");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("X-RateLimit-Remaining")).isEqualTo("2");
    }

    @Test
    void limitsNamedAlikeShareTheirBuckets() {
        assertThat(get("/api/limited/export-a").header("X-RateLimit-Remaining")).isEqualTo("2");
        assertThat(http().post("/api/limited/export-b").header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(get("/api/limited/export-a").statusCode()).isEqualTo(429);
    }

    // ---- header styles and the 429 answer ----

    @Test
    void ietfFieldsNameTheRuleByItsStableDefaultName() {
        Response method = get("/ietf/limited/ip");
        assertThat(method.header("RateLimit-Policy")).isEqualTo("\"Limited.ip\";q=3;w=60");
        assertThat(method.header("RateLimit")).matches("\"Limited\\.ip\";r=2;t=\\d+");
        assertThat(method.header("X-RateLimit-Limit")).isNull();

        Response classLimit = get("/ietf/both/b");
        assertThat(classLimit.header("RateLimit-Policy")).isEqualTo("\"BothLimits\";q=5;w=60");
        Response tighter = get("/ietf/both/a");
        assertThat(tighter.header("RateLimit-Policy")).isEqualTo("\"BothLimits.a\";q=2;w=60");
        assertThat(get("/ietf/limited/export-a").header("RateLimit-Policy")).isEqualTo("\"export\";q=3;w=60");
    }

    @Test
    void annotationsOnAnInterfaceAndOnItsImplementationBothApply() {
        if (implementation() == JaxRsServer.Kind.RESTEASY) {
            // RESTEasy describes such a resource by its interface: the implementation's limits are not seen (docs/jaxrs.md)
            assertThat(get("/ietf/greeting/hello").header("RateLimit-Policy")).isEqualTo("\"Greeting\";q=5;w=60");
            assertThat(get("/ietf/greeting/bye").header("RateLimit")).startsWith("\"Greeting\";r=3;");
            return;
        }
        assertThat(get("/ietf/greeting/hello").header("RateLimit-Policy")).isEqualTo("\"PoliteGreeting.hello\";q=2;w=60");
        Response bye = get("/ietf/greeting/bye");
        assertThat(bye.header("RateLimit-Policy")).isEqualTo("\"PoliteGreeting\";q=5;w=60");
        assertThat(bye.header("RateLimit")).startsWith("\"PoliteGreeting\";r=3;");
    }

    @Test
    void ietfTimesFollowTheClock() {
        assumeTrue(backendFollowsClock());
        assertThat(get("/ietf/limited/ip").header("RateLimit")).isEqualTo("\"Limited.ip\";r=2;t=60");
        get("/ietf/limited/ip");
        get("/ietf/limited/ip");
        Response blocked = get("/ietf/limited/ip");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("RateLimit")).isEqualTo("\"Limited.ip\";r=0;t=60");
        assertThat(blocked.header("Retry-After")).isEqualTo("60");
    }

    @Test
    void withHeadersOffOnlyA429CarriesRetryAfter() {
        for (int i = 0; i < 3; i++) {
            Response ok = get("/none/limited/ip");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().asList()).noneMatch(h -> h.getName().toLowerCase().contains("ratelimit"));
            assertThat(ok.header("Retry-After")).isNull();
        }
        Response blocked = get("/none/limited/ip");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("Retry-After")).isNotNull();
        assertThat(blocked.header("X-RateLimit-Limit")).isNull();
        assertThat(blocked.jsonPath().getInt("retry_after")).isEqualTo(Integer.parseInt(blocked.header("Retry-After")));
    }

    @Test
    void customHeaderNamesAndAnApplicationMapperReplacingTheDefault() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            Response ok = get("/custom/limited/ip");
            assertThat(ok.header("Quota-Limit")).isEqualTo("3");
            assertThat(ok.header("Quota-Left")).isEqualTo(Integer.toString(remaining));
            assertThat(ok.header("X-RateLimit-Limit")).isNull();
        }
        Response blocked = get("/custom/limited/ip");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.contentType()).startsWith("text/plain");
        assertThat(blocked.asString()).isEqualTo("Slow down: " + blocked.header("Retry-After") + "s");
        // the application's mapper set no header: the feature still adds them
        assertThat(blocked.header("Quota-Left")).isEqualTo("0");
        assertThat(blocked.header("Retry-After")).isNotNull();
    }

    @Test
    void dryRunCountsAndReportsButNeverBlocks() {
        for (int i = 0; i < 5; i++) {
            Response response = get("/dry/limited/ip");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.header("X-RateLimit-Limit")).isEqualTo("3");
        }
        assertThat(get("/dry/limited/ip").header("X-RateLimit-Remaining")).isEqualTo("0");
    }

    // ---- every kind of response ----

    @Test
    void everyResponseOfALimitedMethodCarriesTheHeaders() {
        Response response = get("/api/limited/response");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.header("X-Own")).isEqualTo("kept");

        Response stream = get("/api/limited/stream");
        assertThat(stream.asString()).isEqualTo("streamed");

        Response async = get("/api/limited/async");
        assertThat(async.asString()).isEqualTo("later");

        Response suspended = get("/api/limited/suspended");
        assertThat(suspended.asString()).isEqualTo("resumed");

        Response missing = get("/api/limited/missing");
        assertThat(missing.statusCode()).isEqualTo(404);

        Response nothing = get("/api/limited/nothing");
        assertThat(nothing.statusCode()).isEqualTo(204);

        for (Response r : List.of(response, stream, async, suspended, missing, nothing)) {
            assertThat(r.header("X-RateLimit-Limit")).isEqualTo("100");
            assertThat(r.header("X-RateLimit-Remaining")).isNotNull();
            assertThat(r.header("X-RateLimit-Reset")).isNotNull();
        }
    }

    @Test
    void unannotatedResourcesAreLeftAlone() {
        for (int i = 0; i < 10; i++) {
            Response response = get("/api/plain");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.asString()).isEqualTo("decision=null");
            assertThat(response.headers().asList()).noneMatch(h -> h.getName().toLowerCase().contains("ratelimit"));
        }
    }

    // ---- hostile input ----

    @Test
    void hostileInputsNeverCauseAServerError() {
        String longValue = "k".repeat(6000);
        List<String> values = List.of("{braces}", "a b c", "key:with:colons", "' OR 1=1 --", "%00%0d%0a", "}{",
                "\\", "\"quoted\"", ",,,", longValue, "caf\u00e9");
        for (String value : values) {
            assertNoServerError(http().header("X-Api-Key", value).get("/api/limited/key"));
            assertNoServerError(http().header("X-Test-User", value).get("/api/limited/user"));
            assertNoServerError(http().header("X-Forwarded-For", value).get("/proxied/limited/ip"));
            assertNoServerError(http().header("X-Account", value).get("/custom/limited/user"));
        }
        for (String forwarded : List.of("not-an-ip", "[::1", "::1]", "999.999.1.1", "1.2.3.4:99999", ",".repeat(3000),
                "fe80::1%eth0", "[2001:db8::1]:8080", "0.0.0.0", "255.255.255.255, ")) {
            assertNoServerError(http().header("X-Forwarded-For", forwarded).get("/proxied/limited/ip"));
        }
        // repeated headers, and a user id full of bucket-key separators
        assertNoServerError(http().header("X-Forwarded-For", "1.1.1.1").header("X-Forwarded-For", "junk")
                .get("/proxied/limited/ip"));
        assertNoServerError(http().header("X-Test-User", "fastlimit:rule:ip:{x}").get("/api/limited/user"));
    }

    private static void assertNoServerError(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isIn(200, 429);
    }
}
