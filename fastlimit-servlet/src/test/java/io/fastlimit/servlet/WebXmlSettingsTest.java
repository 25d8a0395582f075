package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.logging.RecordedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What web.xml says beyond one filter's rates: plans and shadow mode as init-params, the limiter's
 * settings as {@code fastlimit.*} context-params, the warning for settings written on one filter of
 * several, and the limits file named by a context-param.
 */
class WebXmlSettingsTest {

    @TempDir
    Path dir;

    private static final String HELLO_SERVLET = "<servlet><servlet-name>hello</servlet-name>"
            + "<servlet-class>io.fastlimit.servlet.app.HelloServlet</servlet-class></servlet>"
            + "<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>";

    private static String filter(String name, String path, String initParams) {
        return "<filter><filter-name>" + name + "</filter-name>"
                + "<filter-class>io.fastlimit.servlet.FastLimitFilter</filter-class>" + initParams + "</filter>"
                + "<filter-mapping><filter-name>" + name + "</filter-name><url-pattern>" + path + "</url-pattern></filter-mapping>";
    }

    private static String initParam(String name, String value) {
        return "<init-param><param-name>" + name + "</param-name><param-value>" + value + "</param-value></init-param>";
    }

    private static String contextParam(String name, String value) {
        return "<context-param><param-name>" + name + "</param-name><param-value>" + value + "</param-value></context-param>";
    }

    private Path webapp(String content) throws Exception {
        Files.createDirectories(dir.resolve("WEB-INF"));
        Files.writeString(dir.resolve("WEB-INF/web.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">" + content + HELLO_SERVLET
                + "</web-app>\n");
        return dir;
    }

    @Test
    void plansAndShadowModeAreInitParams() throws Exception {
        String api = filter("api", "/api", initParam("header", "3/hour") + initParam("header-name", "X-Api-Key")
                + initParam("header-resolver", "io.fastlimit.servlet.app.KnownApiKeys") + initParam("ip", "1/hour")
                + initParam("plan.free", "2/hour") + initParam("plan.pro", "5/hour")
                + initParam("plan-resolver", "io.fastlimit.servlet.app.KeyPlans"));
        String trial = filter("trial", "/trial", initParam("ip", "1/hour") + initParam("shadow", "true"));
        try (TestServer server = TestServer.webapp(webapp(api + trial), Map.of())) {
            assertThat(AbstractFilterHttpTest.passed(8, i -> server.request().header("X-Api-Key", "key-a").get("/api")))
                    .isEqualTo(5);
            server.request().header("X-Api-Key", "key-a").get("/api").then().statusCode(429)
                    .header("X-RateLimit-Limit", "5");
            assertThat(AbstractFilterHttpTest.passed(8, i -> server.request().header("X-Api-Key", "key-b").get("/api")))
                    .isEqualTo(2);
            assertThat(AbstractFilterHttpTest.passed(4, i -> server.request().header("X-Api-Key", "invented").get("/api")))
                    .isEqualTo(1);
            assertThat(AbstractFilterHttpTest.passed(4, i -> server.request().get("/trial"))).isEqualTo(4);
            assertThat(server.filter("trial").rule().shadow()).isTrue();
        }
    }

    @Test
    void limiterSettingsAreContextParamsAndApplyToEveryFilterWithoutAWarning() throws Exception {
        String content = contextParam("fastlimit.key-prefix", "ctx") + contextParam("fastlimit.headers", "ietf")
                + contextParam("unrelated.setting", "left alone")
                + filter("a", "/a", initParam("ip", "2/hour")) + filter("b", "/b", initParam("ip", "3/hour"));
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit");
             TestServer server = TestServer.webapp(webapp(content), Map.of())) {
            FastLimit limiter = server.filter("a").limiter();
            assertThat(limiter.keyPrefix()).isEqualTo("ctx");
            assertThat(limiter.headerStyle()).isEqualTo(HeaderStyle.ietf());
            assertThat(server.filter("b").limiter()).isSameAs(limiter);
            server.request().get("/b").then().statusCode(200).header("RateLimit-Policy", "\"b\";q=3;w=3600");
            assertThat(logs.messages(Level.WARNING)).isEmpty();
        }
    }

    @Test
    void aLimiterSettingOnOneFilterOfSeveralIsWarnedOfOnce() throws Exception {
        String content = filter("a", "/a", initParam("ip", "2/hour") + initParam("key-prefix", "old")
                + initParam("headers", "ietf")) + filter("b", "/b", initParam("ip", "3/hour"))
                + filter("c", "/c", initParam("ip", "3/hour"));
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit");
             TestServer server = TestServer.webapp(webapp(content), Map.of())) {
            assertThat(server.filter("c").limiter().keyPrefix()).isEqualTo("old"); // the older form still works
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("headers, key-prefix on filter 'a'", "apply to all 3 FastLimitFilters",
                            "fastlimit.headers, fastlimit.key-prefix");
        }
    }

    @Test
    void aSingleFilterMayKeepItsLimiterSettings() throws Exception {
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit");
             TestServer server = TestServer.webapp(webapp(filter("only", "/*", initParam("ip", "2/hour")
                     + initParam("key-prefix", "solo"))), Map.of())) {
            assertThat(server.filter("only").limiter().keyPrefix()).isEqualTo("solo");
            assertThat(logs.messages(Level.WARNING)).isEmpty();
        }
    }

    @Test
    void theSameValueInAContextParamAndAnInitParamIsFine() throws Exception {
        String content = contextParam("fastlimit.key-prefix", "same")
                + filter("a", "/*", initParam("ip", "2/hour") + initParam("key-prefix", "same"));
        try (TestServer server = TestServer.webapp(webapp(content), Map.of())) {
            assertThat(server.filter("a").limiter().keyPrefix()).isEqualTo("same");
        }
    }

    @Test
    @ExtendWith(QuietLogs.class) // Jetty's warning of each start failure
    void aContextParamAndAnInitParamThatDisagreeStopTheWebappNamingBoth() throws Exception {
        String content = contextParam("fastlimit.key-prefix", "ctx")
                + filter("a", "/a", initParam("ip", "2/hour")) + filter("b", "/b", initParam("ip", "2/hour")
                + initParam("key-prefix", "mine"));
        assertThat(TestServer.startFailure(webapp(content))).contains("Setting key-prefix is 'ctx' in context-param"
                + " fastlimit.key-prefix but 'mine' in init-param key-prefix of filter 'b'");
    }

    @Test
    @ExtendWith(QuietLogs.class)
    void twoFiltersThatDisagreeStopTheWebappNamingBoth() throws Exception {
        String content = filter("a", "/a", initParam("ip", "2/hour") + initParam("dry-run", "true"))
                + filter("b", "/b", initParam("ip", "2/hour") + initParam("dry-run", "false"));
        assertThat(TestServer.startFailure(webapp(content))).contains("Init-param dry-run differs between filters 'a' ('true')"
                + " and 'b' ('false')");
    }

    @Test
    @ExtendWith(QuietLogs.class)
    void anUnknownOrBadContextParamStopsTheWebappNamingIt() throws Exception {
        assertThat(TestServer.startFailure(webapp(contextParam("fastlimit.key-prefx", "x") + filter("a", "/*",
                initParam("ip", "2/hour"))))).contains("Unknown context-param 'fastlimit.key-prefx'", "fastlimit.key-prefix");
        assertThat(TestServer.startFailure(webapp(contextParam("fastlimit.redis-url", "redis://:s3cret@127.0.0.1:x")
                + filter("a", "/*", initParam("ip", "2/hour")))))
                .contains("redis-url='redis://:***@127.0.0.1:x' (an init-param, or the context-param fastlimit.redis-url)")
                .doesNotContain("s3cret");
    }

    @Test
    void theContextParamOutranksTheEnvironment() {
        Map<String, String> settings = Map.of("key-prefix", "ctx");
        try (FastLimit limiter = FilterSettings.buildLimiter("a", settings, Map.of("FASTLIMIT_KEY_PREFIX", "env",
                "FASTLIMIT_HEADERS", "ietf"))) {
            assertThat(limiter.keyPrefix()).isEqualTo("ctx");
            assertThat(limiter.headerStyle()).isEqualTo(HeaderStyle.ietf()); // what web.xml leaves out
        }
    }

    @Test
    void aLimitsFileNamedByAContextParamReplacesTheLimitsOfTheFiltersRules() throws Exception {
        Path limits = Files.createTempFile(dir, "limits", ".properties");
        Files.writeString(limits, "rule.b.ip=4/hour\n");
        String content = contextParam("fastlimit.limits-file", limits.toString())
                + filter("a", "/a", initParam("ip", "2/hour")) + filter("b", "/b", initParam("ip", "1/hour"));
        try (TestServer server = TestServer.webapp(webapp(content), Map.of())) {
            assertThat(AbstractFilterHttpTest.passed(6, i -> server.request().get("/b"))).isEqualTo(4);
            Files.writeString(limits, "rule.b.ip=5/hour\nrule.a.shadow=true\n");
            assertThat(server.filter("a").limiter().reloadLimitsFile()).isTrue();
            server.request().get("/b").then().statusCode(200).header("X-RateLimit-Limit", "5");
            assertThat(AbstractFilterHttpTest.passed(4, i -> server.request().get("/a"))).isEqualTo(4);
        }
    }
}
