package io.fastlimit.examples;

import io.fastlimit.FailurePolicy;
import io.fastlimit.backends.BackendUrls;
import io.fastlimit.backends.memory.MemoryBackend;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The demo through real HTTP: every route answers 429 after its fifth request, with the headers. */
class DemoServerTest {

    private static DemoServer demo;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = DemoServer.start(0, Map.of());
    }

    @AfterAll
    static void stopDemo() throws Exception {
        demo.close();
    }

    @BeforeEach
    void forgetCounts() {
        demo.limiter().backend().clearAll();
        demo.webXmlLimiter().backend().clearAll();
    }

    private static RequestSpecification request() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(demo.port());
    }

    /** Five requests pass, counting down the headers; the sixth gets 429 with Retry-After and the JSON body. */
    static void assertFivePassThenBlocked(RequestSpecification spec, String path) {
        long resetMin = System.currentTimeMillis() / 1000 + 59;
        for (int i = 1; i <= 5; i++) {
            Response ok = spec.get(path);
            ok.then().statusCode(200)
                    .header("X-RateLimit-Limit", "5")
                    .header("X-RateLimit-Remaining", Integer.toString(5 - i))
                    .header("Retry-After", nullValue());
            assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isBetween(resetMin, resetMin + 62);
        }
        Response blocked = spec.get(path);
        blocked.then().statusCode(429)
                .contentType(startsWith("application/json"))
                .header("X-RateLimit-Limit", "5")
                .header("X-RateLimit-Remaining", "0")
                .body("detail", startsWith("Rate limit exceeded. Try again in "));
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(blocked.jsonPath().getLong("retry_after")).isEqualTo(retryAfter);
        assertThat(Long.parseLong(blocked.header("X-RateLimit-Reset"))).isBetween(resetMin, resetMin + 62);
    }

    @Test
    void servletHelloAllowsFiveAMinutePerIp() {
        request().get("/servlet/hello").then().body(equalTo("Hello from a servlet!\n"));
        demo.limiter().backend().clearAll();
        assertFivePassThenBlocked(request(), "/servlet/hello");
    }

    @Test
    void apiHelloAllowsFiveAMinutePerIpAndTwentyPerSignedInUser() {
        request().get("/api/hello").then().body(equalTo("Hello, anonymous!\n"));
        demo.limiter().backend().clearAll();
        assertFivePassThenBlocked(request(), "/api/hello");

        // alice has her own bucket, whatever her IP has spent
        for (int i = 1; i <= 20; i++) {
            request().header("X-User", "alice").get("/api/hello").then().statusCode(200)
                    .header("X-RateLimit-Limit", "20")
                    .header("X-RateLimit-Remaining", Integer.toString(20 - i))
                    .body(equalTo("Hello, alice!\n"));
        }
        request().header("X-User", "alice").get("/api/hello").then().statusCode(429)
                .header("X-RateLimit-Limit", "20")
                .header("Retry-After", notNullValue());
        request().header("X-User", "bob").get("/api/hello").then().statusCode(200)
                .header("X-RateLimit-Remaining", "19");
    }

    /** How many of {@code count} requests to {@code path}, each with a new made-up API key, answered 200. */
    private static int passedWithMadeUpKeys(String path, int count) {
        int passed = 0;
        for (int i = 0; i < count; i++) {
            int status = request().header("X-Api-Key", "made-up-" + i).get(path).statusCode();
            assertThat(status).isIn(200, 429);
            passed += status == 200 ? 1 : 0;
        }
        return passed;
    }

    @Test
    void apiKeyAllowsFiveAMinutePerIssuedKeyAndTwoPerIpWithoutOne() {
        assertFivePassThenBlocked(request().header("X-Api-Key", "demo-key"), "/api/key");
        request().header("X-Api-Key", "partner-key").get("/api/key").then().statusCode(200)
                .header("X-RateLimit-Remaining", "4")
                .body(equalTo("Hello, holder of key partner-key!\n"));

        request().get("/api/key").then().statusCode(200).header("X-RateLimit-Limit", "2");
        request().get("/api/key").then().statusCode(200).header("X-RateLimit-Remaining", "0");
        request().get("/api/key").then().statusCode(429).header("X-RateLimit-Limit", "2");
    }

    @Test
    void madeUpApiKeysGetNoMoreThanTheIpLimit() {
        assertThat(passedWithMadeUpKeys("/api/key", 12)).isEqualTo(2);
        assertThat(passedWithMadeUpKeys("/webxml/reports", 12)).isEqualTo(2);
        // the issued keys still have their own buckets
        request().header("X-Api-Key", "demo-key").get("/api/key").then().statusCode(200).header("X-RateLimit-Limit", "5");
        request().header("X-Api-Key", "demo-key").get("/webxml/reports").then().statusCode(200).header("X-RateLimit-Limit", "5");
    }

    @Test
    void webXmlHelloAllowsFiveAMinutePerIp() {
        request().get("/webxml/hello").then().body(equalTo("Hello from a web.xml webapp!\n"));
        demo.webXmlLimiter().backend().clearAll();
        assertFivePassThenBlocked(request(), "/webxml/hello");
    }

    @Test
    void webXmlReportsAreKeyedByApiKeyAndTwoPerIpWithoutOne() {
        assertFivePassThenBlocked(request().header("X-Api-Key", "demo-key"), "/webxml/reports");
        request().get("/webxml/reports").then().statusCode(200).header("X-RateLimit-Limit", "2");
        request().get("/webxml/reports").then().statusCode(200);
        request().get("/webxml/reports").then().statusCode(429);
    }

    @Test
    void theWebXmlWebappBuildsItsOwnLimiterFromItsInitParams() {
        assertThat(demo.webXmlLimiter()).isNotNull().isNotSameAs(demo.limiter());
        assertThat(demo.webXmlLimiter().keyPrefix()).isEqualTo("webxml");
        assertThat(demo.webXmlLimiter().failurePolicy()).isEqualTo(FailurePolicy.LOCAL);
        assertThat(demo.webXmlLimiter().backend()).isInstanceOf(MemoryBackend.class);

        // the two limiters count apart: the servlet route is still fresh
        assertFivePassThenBlocked(request(), "/webxml/hello");
        request().get("/servlet/hello").then().statusCode(200).header("X-RateLimit-Remaining", "4");
    }

    @Test
    void theBannerListsTheRoutesAndTheBackend() {
        String banner = demo.banner();
        assertThat(banner).contains("http://localhost:" + demo.port(),
                "/servlet/hello", "/api/hello", "/api/key", "/webxml/hello", "/webxml/reports",
                "/api/rate_limit", "/metrics", "Backend: memory");
    }

    @Test
    void rateLimitStatusReportsEveryRuleAndSpendsNothing() {
        request().get("/servlet/hello").then().statusCode(200);
        request().header("X-User", "alice").get("/api/hello").then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            Response status = request().header("X-User", "alice").get("/api/rate_limit");
            status.then().statusCode(200).contentType(startsWith("application/json"))
                    .body("rules.rule", org.hamcrest.Matchers.contains("servlet-hello", "HelloResource.hello",
                            "ApiKeyResource.key", "global", "hello", "reports"))
                    .body("rules[0].scope", equalTo("ip"))
                    .body("rules[0].limit", equalTo(5))
                    .body("rules[0].remaining", equalTo(4))
                    .body("rules[1].scope", equalTo("user"))
                    .body("rules[1].limit", equalTo(20))
                    .body("rules[1].remaining", equalTo(19))
                    .body("rules[2].remaining", equalTo(2))
                    .body("rules[4].remaining", equalTo(5));
            long reset = status.jsonPath().getLong("rules[0].reset");
            assertThat(reset).isBetween(System.currentTimeMillis() / 1000, System.currentTimeMillis() / 1000 + 61);
        }
        request().get("/servlet/hello").then().statusCode(200).header("X-RateLimit-Remaining", "3");
    }

    @Test
    void metricsShowTheDecisionsInPrometheusText() {
        request().get("/servlet/hello").then().statusCode(200);
        request().get("/webxml/hello").then().statusCode(200);
        request().get("/metrics").then().statusCode(200)
                .contentType(startsWith("text/plain"))
                .body(org.hamcrest.Matchers.containsString(
                        "fastlimit_decisions_total{limiter=\"embedded\",outcome=\"allowed\",rule=\"servlet-hello\",scope=\"ip\"}"))
                .body(org.hamcrest.Matchers.containsString(
                        "fastlimit_decisions_total{limiter=\"webxml\",outcome=\"allowed\",rule=\"hello\",scope=\"ip\"}"))
                .body(org.hamcrest.Matchers.containsString("fastlimit_memory_keys{limiter=\"embedded\"}"));
    }

    @Test
    void passwordsInRedisUrlsAreMasked() {
        assertThat(BackendUrls.redact("redis://:s3cret@cache:6379/0")).isEqualTo("redis://:***@cache:6379/0");
        assertThat(BackendUrls.redact("rediss://app:s3cret@cache:6380")).isEqualTo("rediss://app:***@cache:6380");
        assertThat(BackendUrls.redact("redis://s3cret@cache:6379")).isEqualTo("redis://***@cache:6379");
        assertThat(BackendUrls.redact("rediss://cache:6380?sslTruststorePassword=s3cret"))
                .isEqualTo("rediss://cache:6380?sslTruststorePassword=***");
        assertThat(BackendUrls.redact("redis://cache:6379")).isEqualTo("redis://cache:6379");
    }

    @Test
    void portComesFromThePortVariable() {
        assertThat(DemoServer.port(null)).isEqualTo(8080);
        assertThat(DemoServer.port(" 9090 ")).isEqualTo(9090);
        assertThatThrownBy(() -> DemoServer.port("http")).hasMessageContaining("PORT='http'");
        assertThatThrownBy(() -> DemoServer.port("70000")).hasMessageContaining("PORT='70000'");
    }

    @Test
    void aBadVariableStopsTheStartNamingIt() {
        assertThatThrownBy(() -> DemoServer.start(0, Map.of("FASTLIMIT_ALGORITHM", "fastest")))
                .hasMessageContaining("FASTLIMIT_ALGORITHM='fastest'");
    }
}
