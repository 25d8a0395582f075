package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.PlanResolver;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Plans, a shadow rule and a limits file, all from properties, over HTTP in a real Spring Boot application. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {TestApplication.class, PlansAndShadowOverHttpTest.Plans.class}, properties = {
        "fastlimit.key-prefix=plans",
        "fastlimit.rules[0].name=plan",
        "fastlimit.rules[0].url-patterns=/hello",
        "fastlimit.rules[0].ip=2/min",
        "fastlimit.rules[0].plans.pro=5/min",
        "fastlimit.rules[0].plan-resolver=planOfKey",
        "fastlimit.rules[1].name=watched",
        "fastlimit.rules[1].url-patterns=/open",
        "fastlimit.rules[1].ip=1/min",
        "fastlimit.rules[1].shadow=true",
        "fastlimit.rules[2].name=items",
        "fastlimit.rules[2].url-patterns=/api/*",
        "fastlimit.rules[2].ip=100/min",
})
class PlansAndShadowOverHttpTest {

    private static final Path LIMITS_FILE = limitsFile("rule.items.ip=3/min\n");

    @LocalServerPort
    int port;

    @Autowired
    FastLimit limiter;

    @DynamicPropertySource
    static void limitsFileProperty(DynamicPropertyRegistry registry) {
        registry.add("fastlimit.limits-file", LIMITS_FILE::toString);
    }

    @TestConfiguration
    static class Plans {
        @Bean
        PlanResolver planOfKey() {
            return PlanResolver.fromHeader("X-Api-Key", Map.of("pro-key", "pro")::get);
        }
    }

    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    @Test
    void aProKeyGetsItsPlanAndAnInventedOneTheDefault() {
        for (int i = 0; i < 5; i++) {
            http().header("X-Api-Key", "pro-key").get("/hello").then().statusCode(200).header("X-RateLimit-Limit", "5");
        }
        http().header("X-Api-Key", "pro-key").get("/hello").then().statusCode(429);
        http().header("X-Api-Key", "invented").get("/hello")
                .then().header("X-RateLimit-Limit", "2");
    }

    @Test
    void aShadowRuleNeverBlocks() {
        for (int i = 0; i < 5; i++) {
            http().get("/open").then().statusCode(200);
        }
    }

    @Test
    void theLimitsFileOverridesARuleAndAnEditReachesTheNextRequests() throws IOException {
        http().get("/api/items").then().statusCode(200).header("X-RateLimit-Limit", "3");
        Files.writeString(LIMITS_FILE, "rule.items.ip=7/min\n");
        assertThat(limiter.reloadLimitsFile()).isTrue();
        http().get("/api/items").then().statusCode(200).header("X-RateLimit-Limit", "7");
        Files.writeString(LIMITS_FILE, "rule.items.ip=7/lightyear\n");
        assertThat(limiter.reloadLimitsFile()).as("a broken edit changes nothing").isFalse();
        http().get("/api/items").then().statusCode(200).header("X-RateLimit-Limit", "7");
    }

    private static Path limitsFile(String content) {
        try {
            Path file = Files.createTempFile("fastlimit-limits", ".properties");
            file.toFile().deleteOnExit();
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
