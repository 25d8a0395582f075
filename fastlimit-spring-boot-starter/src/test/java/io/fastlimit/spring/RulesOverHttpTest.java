package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.memory.MemoryBackend;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Rules declared in properties only, over HTTP, in a real Spring Boot application on Tomcat. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = {TestApplication.class, RulesOverHttpTest.Keys.class}, properties = {
        "fastlimit.key-prefix=http",
        "fastlimit.headers=x-ratelimit",
        "fastlimit.rules[0].name=hello",
        "fastlimit.rules[0].url-patterns=/hello",
        "fastlimit.rules[0].ip=5/min",
        "fastlimit.rules[1].name=api",
        "fastlimit.rules[1].url-patterns=/api/*",
        "fastlimit.rules[1].ip=10/min",
        "fastlimit.rules[1].header=3/min",
        "fastlimit.rules[1].header-name=X-Api-Key",
        "fastlimit.rules[1].header-resolver=issuedKeys",
        "fastlimit.rules[2].name=api-cost",
        "fastlimit.rules[2].url-patterns=/api/*",
        "fastlimit.rules[2].ip=20/min",
        "fastlimit.rules[2].cost=2",
        "fastlimit.rules[2].order=-5",
})
class RulesOverHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    FastLimit limiter;

    @Autowired
    Map<String, FilterRegistrationBean<?>> registrations;

    @org.springframework.boot.test.context.TestConfiguration
    static class Keys {
        @org.springframework.context.annotation.Bean
        io.fastlimit.HeaderIdentityResolver issuedKeys() {
            return io.fastlimit.HeaderIdentityResolver.validatedBy("key-1"::equals);
        }
    }

    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    @Test
    void fiveRequestsPassThenTheSixthGets429WithTheJsonBody() {
        for (int remaining = 4; remaining >= 0; remaining--) {
            http().get("/hello").then().statusCode(200).body(equalTo("hello"))
                    .header("X-RateLimit-Limit", "5").header("X-RateLimit-Remaining", Integer.toString(remaining));
        }
        http().get("/hello").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("retry_after", org.hamcrest.Matchers.greaterThan(0));
        http().get("/open").then().statusCode(200).header("X-RateLimit-Limit", nullValue());
    }

    @Test
    void rulesOnOnePathRunInTheirOrderAndTheHeadersReportTheTighter() {
        // api-cost (order -5) runs first, 2 units of 20; then api: a known key has 3/min of its own
        http().header("X-Api-Key", "key-1").get("/api/items").then().statusCode(200)
                .header("X-RateLimit-Limit", "3").header("X-RateLimit-Remaining", "2");
        http().get("/api/items").then().statusCode(200)
                .header("X-RateLimit-Limit", "10").header("X-RateLimit-Remaining", "9");
        assertThat(registrations.get("fastlimit.api-cost.filter").getOrder()).isEqualTo(-5);
        assertThat(registrations.get("fastlimit.api.filter").getUrlPatterns()).containsExactly("/api/*");
    }

    @Test
    void theLimiterIsBuiltFromTheProperties() {
        assertThat(limiter.keyPrefix()).isEqualTo("http");
        assertThat(limiter.backend()).isInstanceOf(MemoryBackend.class);
    }
}
