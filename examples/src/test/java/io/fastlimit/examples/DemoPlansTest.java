package io.fastlimit.examples;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.fastlimit.testing.logging.RecordedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The demo's {@code GET /api/plan}, and its limits file, through real HTTP. */
class DemoPlansTest {

    private static RequestSpecification request(DemoServer demo) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(demo.port());
    }

    private static int passed(DemoServer demo, String apiKey, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            RequestSpecification spec = apiKey == null ? request(demo) : request(demo).header("X-Api-Key", apiKey);
            int status = spec.get("/api/plan").statusCode();
            assertThat(status).isIn(200, 429);
            passed += status == 200 ? 1 : 0;
        }
        return passed;
    }

    @Test
    void freeAndProKeysGetTheirPlansAndAnyOtherKeyTheIpLimit() throws Exception {
        try (DemoServer demo = DemoServer.start(0, Map.of())) {
            request(demo).header("X-Api-Key", "demo-pro").get("/api/plan").then().statusCode(200)
                    .header("X-RateLimit-Limit", "50").body(equalTo("Hello, holder of key demo-pro!\n"));
            assertThat(passed(demo, "demo-pro", 60)).isEqualTo(49);
            DemoServerTest.assertFivePassThenBlocked(request(demo).header("X-Api-Key", "demo-free"), "/api/plan");
            // invented keys, a plan's name, no key at all: one client, the address, 2 a minute
            assertThat(passed(demo, "demo-gold", 3) + passed(demo, "pro", 3) + passed(demo, null, 3)).isEqualTo(2);
            request(demo).get("/api/plan").then().statusCode(429).header("X-RateLimit-Limit", "2");
            // the status page reads the caller's plan as the check does, spending nothing
            request(demo).header("X-Api-Key", "demo-pro").get("/api/rate_limit").then().statusCode(200)
                    .body("rules.find { it.rule == 'plan' }.limit", equalTo(50))
                    .body("rules.find { it.rule == 'plan' }.remaining", equalTo(0));
            assertThat(demo.banner()).contains("/api/plan", "demo-free 5/min, demo-pro 50/min")
                    .doesNotContain("Limits file");
        }
    }

    @Test
    void theDemoLimitsFileParsesAndTheBannerSaysWhatItSets() throws Exception {
        Path shipped = Path.of("limits.properties").toAbsolutePath(); // examples/limits.properties
        try (DemoServer demo = DemoServer.start(0, Map.of("FASTLIMIT_LIMITS_FILE", shipped.toString()))) {
            assertThat(demo.banner()).contains("Limits file " + shipped + " (re-read every 5 s): rule plan: ip=2/min,"
                    + " plan.free=5/min, plan.pro=50/min");
        }
    }

    @Test
    void editingTheLimitsFileChangesThePlanLimitOfTheNextRequests(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("limits.properties");
        Files.writeString(file, "rule.plan.plan.pro=3/min\n");
        try (DemoServer demo = DemoServer.start(0, Map.of("FASTLIMIT_LIMITS_FILE", file.toString()))) {
            assertThat(passed(demo, "demo-pro", 5)).isEqualTo(3);

            Files.writeString(file, "rule.plan.plan.pro=4/min\n");
            assertThat(demo.limiter().reloadLimitsFile()).isTrue(); // what the periodic check does within 5 s
            request(demo).header("X-Api-Key", "demo-pro").get("/api/plan").then().statusCode(200)
                    .header("X-RateLimit-Limit", "4");

            Files.writeString(file, "rule.plan.plan.pro=400/minn\n");
            try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
                assertThat(demo.limiter().reloadLimitsFile()).isFalse();
                assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                        .contains("line 1 (rule.plan.plan.pro=400/minn)");
            }
            request(demo).header("X-Api-Key", "demo-pro").get("/api/plan").then().statusCode(200)
                    .header("X-RateLimit-Limit", "4");
        }
    }
}
