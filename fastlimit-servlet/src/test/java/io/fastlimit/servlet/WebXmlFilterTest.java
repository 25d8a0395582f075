package io.fastlimit.servlet;

import io.fastlimit.Algorithm;
import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.servlet.app.HeaderUserResolver;
import io.fastlimit.testing.logging.QuietLogs;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * A webapp configured entirely by {@code web.xml} ({@code src/test/resources/webapps/configured}):
 * the filters build their shared limiter from their init-params, and bad init-params stop the webapp
 * from starting. Its limiter settings are written on a filter, the older form, which start-up warns of
 * (see {@link WebXmlSettingsTest}): the warning is held back.
 */
@ExtendWith(QuietLogs.class)
class WebXmlFilterTest {

    private TestServer server;

    @BeforeEach
    void deploy() throws Exception {
        server = TestServer.webapp(TestServer.resourceWebapp("configured"), Map.of());
    }

    @AfterEach
    void undeploy() {
        server.close();
    }

    @Test
    void allFiltersShareOneLimiterBuiltFromTheInitParamsAndPublishedInTheContext() {
        FastLimit limiter = server.filter("global").limiter();
        ServletContext context = server.context().getServletContext();

        assertThat(context.getAttribute(FastLimitFilter.LIMITER_ATTRIBUTE)).isSameAs(limiter);
        for (String filter : List.of("login", "api keys", "export")) {
            assertThat(server.filter(filter).limiter()).isSameAs(limiter);
        }
        assertThat(limiter.headerStyle()).isEqualTo(HeaderStyle.ietf());
        assertThat(limiter.keyPrefix()).isEqualTo("webxml");
        assertThat(limiter.backend()).isInstanceOf(MemoryBackend.class);
    }

    @Test
    void rulesAreNamedAfterTheirFiltersUnlessNamed() {
        assertThat(server.filter("global").rule().name()).isEqualTo("global");
        assertThat(server.filter("login").rule().name()).isEqualTo("login");
        assertThat(server.filter("api keys").rule().name()).isEqualTo("api_keys");
        assertThat(server.filter("export").rule().name()).isEqualTo("bulk-export");
        assertThat(server.filter("api keys").rule().algorithm()).contains(Algorithm.FIXED_WINDOW);
        assertThat(server.filter("export").rule().cost()).isEqualTo(5);
    }

    @Test
    void limiterSettingsWrittenOnOneFilterApplyToTheOthers() {
        server.request().get("/login").then().statusCode(200)
                .header("RateLimit-Policy", "\"login\";q=2;w=3600")
                .header("X-RateLimit-Limit", nullValue());
        server.request().get("/login").then().statusCode(200);
        server.request().get("/login").then().statusCode(429)
                .header("Retry-After", "3600")
                .body("retry_after", equalTo(3600));
        // global counted the two logins it let through, not the one login turned away
        server.request().get("/hello").then().statusCode(200)
                .header("RateLimit-Policy", "\"global\";q=4;w=3600")
                .header("RateLimit", "\"global\";r=1;t=3600");
        server.request().get("/hello").then().statusCode(200).header("RateLimit", "\"global\";r=0;t=3600");
        server.request().get("/hello").then().statusCode(429);
    }

    @Test
    void trustedProxiesAndExemptRangesComeFromTheInitParams() {
        for (int i = 0; i < 6; i++) {
            server.request().header("X-Forwarded-For", "203.0.113.50, 192.0.2.7").get("/login")
                    .then().statusCode(200).header("RateLimit", nullValue());
        }
        server.request().header("X-Forwarded-For", "192.0.2.7, 198.51.100.7").get("/login")
                .then().statusCode(200).header("RateLimit-Policy", "\"login\";q=2;w=3600");
    }

    @Test
    void theUserResolverNamedInAnInitParamKeysTheUser() {
        server.request().header(HeaderUserResolver.HEADER, "zoe").get("/api/orders").then().statusCode(200)
                .header("RateLimit-Policy", "\"api_keys\";q=2;w=3600");
        server.request().header(HeaderUserResolver.HEADER, "zoe").get("/api/orders").then().statusCode(200);
        server.request().header(HeaderUserResolver.HEADER, "zoe").get("/api/orders").then().statusCode(429);
        // an API key is keyed on its own, but the global 4/hour counted the two requests of zoe's it let through
        server.request().header("X-Api-Key", "k-1").get("/api/orders").then().statusCode(200)
                .header("RateLimit", "\"global\";r=1;t=3600");
        server.request().header("X-Api-Key", "k-1").get("/api/orders").then().statusCode(200)
                .header("RateLimit", "\"global\";r=0;t=3600");
        server.request().header("X-Api-Key", "k-1").get("/api/orders").then().statusCode(429);
    }

    @Test
    void inventedKeysCountAgainstTheAddressAndIssuedOnesAgainstTheirClient() {
        // the global 4/hour would let four through; the key filter's header rate per address stops the fourth
        assertThat(AbstractFilterHttpTest.passed(10, i -> server.request().header("X-Forwarded-For", "198.51.100.20")
                .header("X-Api-Key", "made-up-" + i).get("/api/orders"))).isEqualTo(3);
        server.request().header("X-Forwarded-For", "198.51.100.21").header("X-Api-Key", "k-1").get("/api/orders")
                .then().statusCode(200).header("RateLimit-Policy", "\"api_keys\";q=3;w=3600");
    }

    @Test
    void anIpCeilingFromAnInitParamCapsAnIssuedKey() {
        for (int i = 0; i < 2; i++) {
            server.request().header("X-Forwarded-For", "198.51.100.30").header("X-Partner-Key", "key-a").get("/partners")
                    .then().statusCode(200);
        }
        server.request().header("X-Forwarded-For", "198.51.100.30").header("X-Partner-Key", "key-a").get("/partners")
                .then().statusCode(429).header("RateLimit-Policy", "\"partners\";q=2;w=3600");
        server.request().header("X-Forwarded-For", "198.51.100.31").header("X-Partner-Key", "key-a").get("/partners")
                .then().statusCode(200).header("RateLimit-Policy", "\"partners\";q=3;w=3600")
                .header("RateLimit", "\"partners\";r=0;t=3600");
    }

    @Test
    void theIpv6PrefixFromAnInitParamGroupsAddressesOfOneNetwork() {
        // ipv6-prefix 56: 2a00:1450:1:200::/56 is one client for the global 4/hour
        assertThat(AbstractFilterHttpTest.passed(10, i -> server.request()
                .header("X-Forwarded-For", "2a00:1450:1:2" + Integer.toHexString(i) + "f::" + (i + 1)).get("/hello")))
                .isEqualTo(4);
        server.request().header("X-Forwarded-For", "2a00:1450:1:300::1").get("/hello").then().statusCode(200);
    }

    @Test
    void aRequestTheExemptTrustedProxyDidNotNameIsLimited(@TempDir Path dir) throws Exception {
        writeWebXml(dir, filter("behind-lb", initParam("ip", "2/hour") + initParam("trusted-proxies", "127.0.0.0/8")
                + initParam("exempt-ips", "127.0.0.0/8, 10.0.0.0/8")) + HELLO_SERVLET);
        try (TestServer behindLb = TestServer.webapp(dir, Map.of())) {
            int passed = AbstractFilterHttpTest.passed(10, i -> behindLb.request().get("/hello"));
            for (String forwardedFor : List.of("unknown", "_hidden", "not-an-address", "")) {
                passed += AbstractFilterHttpTest.passed(10, i -> behindLb.request()
                        .header("X-Forwarded-For", forwardedFor).get("/hello"));
            }
            assertThat(passed).as("one bucket for every request the proxy did not name").isEqualTo(2);
            // a client the proxy names is exempt, or limited, as itself
            assertThat(AbstractFilterHttpTest.passed(5, i -> behindLb.request().header("X-Forwarded-For", "10.1.2.3")
                    .get("/hello"))).isEqualTo(5);
            assertThat(AbstractFilterHttpTest.passed(5, i -> behindLb.request().header("X-Forwarded-For", "198.51.100.9")
                    .get("/hello"))).isEqualTo(2);
        }
    }

    @Test
    void theBlockedHandlerNamedInAnInitParamWritesTheAnswer() {
        server.request().get("/export").then().statusCode(200)
                .header("RateLimit-Policy", "\"global\";q=4;w=3600"); // global: 3 left, export: 5 left
        server.request().get("/export").then().statusCode(200)
                .header("RateLimit-Policy", "\"bulk-export\";q=10;w=3600");
        server.request().get("/export").then().statusCode(503)
                .contentType(startsWith("text/plain"))
                .header("Retry-After", "3600")
                .body(equalTo("busy, retry in 3600s"));
    }

    @Test
    void theLimiterIsClosedAndTheAttributeRemovedWhenTheWebappStops() {
        FastLimit limiter = server.filter("global").limiter();
        ServletContext context = server.context().getServletContext();
        server.request().get("/hello").then().statusCode(200);
        MemoryBackend backend = (MemoryBackend) limiter.backend();
        assertThat(backend.size()).isPositive();

        server.close();

        assertThat(backend.size()).isZero();
        assertThat(context.getAttribute(FastLimitFilter.LIMITER_ATTRIBUTE)).isNull();
        assertThat(context.getAttribute(SharedLimiter.ATTRIBUTE)).isNull();
    }

    @Test
    void aRestartedWebappBuildsAFreshLimiter() throws Exception {
        FastLimit first = server.filter("global").limiter();
        server.context().stop();
        server.context().start();
        FastLimit second = server.filter("global").limiter();
        assertThat(second).isNotSameAs(first);
        assertThat(server.filter("login").limiter()).isSameAs(second);
        server.request().get("/hello").then().statusCode(200).header("RateLimit", "\"global\";r=3;t=3600");
    }

    @Test
    void twoInstancesOfTheAppShareLimitsThroughTheirBackendBecauseRuleNamesAreStable() throws Exception {
        // two app servers, one store of counters: what a Redis backend gives a cluster of instances
        MemoryBackend store = new MemoryBackend();
        try (FastLimit limiterA = FastLimit.builder().backend(store).build();
             FastLimit limiterB = FastLimit.builder().backend(store).build();
             TestServer a = TestServer.webapp(TestServer.resourceWebapp("provided"),
                     Map.of(FastLimitFilter.LIMITER_ATTRIBUTE, limiterA));
             TestServer b = TestServer.webapp(TestServer.resourceWebapp("provided"),
                     Map.of(FastLimitFilter.LIMITER_ATTRIBUTE, limiterB))) {
            a.request().get("/login").then().statusCode(200).header("X-RateLimit-Remaining", "1");
            b.request().get("/login").then().statusCode(200).header("X-RateLimit-Remaining", "0");
            a.request().get("/login").then().statusCode(429);
            b.request().get("/login").then().statusCode(429);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @ExtendWith(QuietLogs.class) // Jetty's warning of each start failure
    @CsvSource(delimiter = '|', value = {
        "ip               | 10/lightyear                   | ip='10/lightyear'",
        "ip               | -5/min                         | ip='-5/min'",
        "algorithm        | quantum                        | algorithm='quantum'",
        "user-resolver    | com.example.NoSuchResolver     | user-resolver='com.example.NoSuchResolver'",
        "user-resolver    | java.lang.String               | user-resolver='java.lang.String'",
        "blocked-handler  | com.example.NoSuchHandler      | blocked-handler='com.example.NoSuchHandler'",
        "redis-url        | redis://:s3cret@127.0.0.1:x    | redis-url='redis://:***@127.0.0.1:x'",
        "headers          | loud                           | headers='loud'",
        "failure-policy   | sideways                       | failure-policy='sideways'",
        "trusted-proxies  | many                           | trusted-proxies='many'",
        "exempt-ips       | 10.0.0.0/99                    | exempt-ips='10.0.0.0/99'",
        "trusted-proxies  | 10.0.0.0/8, proxy.example      | trusted-proxies='10.0.0.0/8, proxy.example'",
        "ipv6-prefix      | 0                              | ipv6-prefix='0'",
        "ipv6-prefix      | 129                            | ipv6-prefix='129'",
        "ipv6-prefix      | abc                            | ipv6-prefix='abc'",
        "ip-ceiling       | perhaps                        | ip-ceiling='perhaps'",
        "header-resolver  | com.example.NoSuchKeys         | header-resolver='com.example.NoSuchKeys'",
        "dry-run          | perhaps                        | dry-run='perhaps'",
        "async            | perhaps                        | async='perhaps'",
        "key-prefix       | has space                      | key-prefix='has space'",
        "cost             | 0                              | cost='0'",
        "cost             | 50                             | cost='50'",
        "name             | {braces}                       | name='{braces}'",
        "header-name      | X-Api-Key                      | header-name",
        "ips              | 10/min                         | Unknown init-param 'ips'",
    })
    void badConfigurationStopsTheWebappNamingTheInitParamAndValue(String param, String value, String expected,
                                                                  @TempDir Path dir) throws Exception {
        String rates = param.equals("ip") ? "" : "<init-param><param-name>ip</param-name><param-value>10/min</param-value></init-param>";
        writeWebXml(dir, filter("limited", rates + "<init-param><param-name>" + param + "</param-name><param-value>"
                + value + "</param-value></init-param>"));

        String messages = TestServer.startFailure(dir);

        assertThat(messages).contains(expected).contains("'limited'").doesNotContain("s3cret");
    }

    @Test
    @ExtendWith(QuietLogs.class)
    void conflictingLimiterSettingsBetweenFiltersStopTheWebapp(@TempDir Path dir) throws Exception {
        writeWebXml(dir, filter("first", "<init-param><param-name>ip</param-name><param-value>10/min</param-value></init-param>"
                        + "<init-param><param-name>key-prefix</param-name><param-value>one</param-value></init-param>")
                + filter("second", "<init-param><param-name>ip</param-name><param-value>5/min</param-value></init-param>"
                        + "<init-param><param-name>key-prefix</param-name><param-value>two</param-value></init-param>"));

        assertThat(TestServer.startFailure(dir)).contains("Init-param key-prefix differs between filters 'first' ('one') and"
                + " 'second' ('two')");
    }

    @Test
    @ExtendWith(QuietLogs.class)
    void twoFiltersOnOneRuleNameStopTheWebapp(@TempDir Path dir) throws Exception {
        writeWebXml(dir, filter("first", "<init-param><param-name>ip</param-name><param-value>10/min</param-value></init-param>"
                        + "<init-param><param-name>name</param-name><param-value>same</param-value></init-param>")
                + filter("second", "<init-param><param-name>ip</param-name><param-value>5/min</param-value></init-param>"
                        + "<init-param><param-name>name</param-name><param-value>same</param-value></init-param>"));

        assertThat(TestServer.startFailure(dir)).contains("both use rule name 'same'");
    }

    @Test
    @ExtendWith(QuietLogs.class)
    void aFilterThatLimitsNothingStopsTheWebapp(@TempDir Path dir) throws Exception {
        writeWebXml(dir, filter("empty", ""));

        assertThat(TestServer.startFailure(dir)).contains("Filter 'empty' limits nothing");
    }

    private static String filter(String name, String initParams) {
        return "<filter><filter-name>" + name + "</filter-name>"
                + "<filter-class>io.fastlimit.servlet.FastLimitFilter</filter-class>" + initParams + "</filter>"
                + "<filter-mapping><filter-name>" + name + "</filter-name><url-pattern>/*</url-pattern></filter-mapping>";
    }

    private static final String HELLO_SERVLET = "<servlet><servlet-name>hello</servlet-name>"
            + "<servlet-class>io.fastlimit.servlet.app.HelloServlet</servlet-class></servlet>"
            + "<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>";

    private static String initParam(String name, String value) {
        return "<init-param><param-name>" + name + "</param-name><param-value>" + value + "</param-value></init-param>";
    }

    private static void writeWebXml(Path dir, String filters) throws Exception {
        Files.createDirectories(dir.resolve("WEB-INF"));
        Files.writeString(dir.resolve("WEB-INF/web.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">" + filters + "</web-app>\n");
    }
}
