package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.PlanResolver;
import io.fastlimit.backends.Backend;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.RecordedLogs;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimit} plans and shadow mode, and a limits file over annotated limits, on Jersey in a
 * real Jetty; each subclass gives the backend.
 */
abstract class AbstractPlansJaxRsTest {

    /** The plan of each issued key ({@link TestResources.IssuedKeys}), looked up on the server. */
    static final PlanResolver PLANS = PlanResolver.fromHeader("X-Api-Key", Map.of("key-1", "pro", "key-2", "free")::get);

    @Path("plans")
    public static class Planned {

        @GET
        @RateLimit(ip = "1/min", header = "3/min", headerName = "X-Api-Key", headerResolver = TestResources.IssuedKeys.class,
                plans = {@Plan(name = "free", limit = "2/min"), @Plan(name = "pro", limit = "6/min")})
        public String get() {
            return "planned";
        }
    }

    @Path("trial")
    @RateLimit("3/min")
    public static class Trial {

        @GET
        @RateLimit(value = "1/min", shadow = true)
        public String get() {
            return "trial";
        }
    }

    protected final ManualClock clock = new ManualClock();

    @TempDir
    java.nio.file.Path dir;

    private Backend backend;
    private FastLimit limiter;
    private JerseyServer server;
    private java.nio.file.Path limitsFile;

    protected abstract Backend createBackend(Clock clock);

    private void serve(String limits) throws Exception {
        limitsFile = dir.resolve("limits.properties");
        Files.writeString(limitsFile, limits);
        backend = createBackend(clock);
        backend.clearAll();
        limiter = FastLimit.builder().backend(backend).clock(clock).limitsFile(limitsFile)
                .limitsFileCheckInterval(Duration.ZERO).build();
        server = JerseyServer.start(Map.of("app", new ResourceConfig(Planned.class, Trial.class)
                .register(new FastLimitFeature(limiter).withPlanResolver(PLANS))));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (limiter != null) {
            limiter.close();
        }
        if (backend != null) {
            backend.clearAll();
            backend.close();
        }
    }

    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(server.port());
    }

    private int passed(String key, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            int status = (key == null ? http() : http().header("X-Api-Key", key)).get("/app/plans").statusCode();
            assertThat(status).isIn(200, 429);
            passed += status == 200 ? 1 : 0;
        }
        return passed;
    }

    @Test
    void aFreeAndAProKeyGetTheirPlansLimitsAndAnInventedKeyItsAddress() throws Exception {
        serve("");
        http().header("X-Api-Key", "key-1").get("/app/plans").then().statusCode(200)
                .header("X-RateLimit-Limit", "6").header("X-RateLimit-Remaining", "5");
        assertThat(passed("key-1", 10)).isEqualTo(5);
        assertThat(passed("key-2", 10)).isEqualTo(2);
        http().header("X-Api-Key", "key-2").get("/app/plans").then().statusCode(429)
                .header("X-RateLimit-Limit", "2");
        assertThat(passed("invented", 3) + passed("pro", 3) + passed(null, 3)).isEqualTo(1);
    }

    @Test
    void aShadowLimitLogsAndNeverBlocksWhileTheClassLimitBlocks() throws Exception {
        serve("");
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            int passed = 0;
            for (int i = 0; i < 5; i++) {
                passed += http().get("/app/trial").statusCode() == 200 ? 1 : 0;
            }
            assertThat(passed).isEqualTo(3);
            http().get("/app/trial").then().statusCode(429).header("X-RateLimit-Limit", "3");
            assertThat(logs.messages(Level.INFO)).anySatisfy(message -> assertThat(message)
                    .contains("Rate limit 'Trial.get' would have blocked", "shadow rule"));
        }
    }

    @Test
    void editingTheLimitsFileChangesAnAnnotatedLimit() throws Exception {
        serve("rule.Planned.get.plan.pro=4/min\n");
        assertThat(passed("key-1", 6)).isEqualTo(4);

        Files.writeString(limitsFile, "rule.Planned.get.plan.pro=8/min\n");
        assertThat(limiter.reloadLimitsFile()).isTrue();
        http().header("X-Api-Key", "key-1").get("/app/plans").then().statusCode(200).header("X-RateLimit-Limit", "8");

        Files.writeString(limitsFile, "rule.Planned.get.plan.pro=8/min\nrule.Planned.get.ip=x\n");
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(limiter.reloadLimitsFile()).isFalse();
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("line 2 (rule.Planned.get.ip=x)");
        }
        http().header("X-Api-Key", "key-1").get("/app/plans").then().statusCode(200).header("X-RateLimit-Limit", "8");
    }
}
