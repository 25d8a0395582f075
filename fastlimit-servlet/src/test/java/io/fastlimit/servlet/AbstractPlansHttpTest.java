package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.app.KeyPlans;
import io.fastlimit.servlet.app.KnownApiKeys;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.RecordedLogs;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans, shadow rules and the limits file over HTTP, through a real Jetty, against the backend a
 * subclass gives: each memory and Redis.
 */
abstract class AbstractPlansHttpTest {

    protected final ManualClock clock = new ManualClock();

    @TempDir
    Path dir;

    private FastLimit limiter;
    private TestServer server;
    private Path limitsFile;

    /** A limiter builder on the backend under test, driven by {@code clock}. */
    protected abstract FastLimit.Builder limiterBuilder(ManualClock clock);

    /** {@code /hello}: the API rule of {@link KeyPlans}'s keys; {@code /login}: a shadow rule before an enforced one. */
    private TestServer serve(String limits) throws Exception {
        limitsFile = dir.resolve("limits.properties");
        Files.writeString(limitsFile, limits);
        // the test reads the file again when it says so, instead of waiting for the periodic check
        limiter = limiterBuilder(clock).limitsFile(limitsFile).limitsFileCheckInterval(Duration.ZERO).build();
        RateLimitRule api = RateLimitRule.builder("api")
                .header("X-Api-Key", "3/min").headerResolver(new KnownApiKeys())
                .plan("free", "2/min")
                .plan("pro", "6/min")
                .planResolver(new KeyPlans())
                .ip("1/min")
                .build();
        RateLimitRule trial = RateLimitRule.builder("trial").ip("1/min").shadow(true).build();
        RateLimitRule login = RateLimitRule.ip("login", "3/min");
        server = TestServer.embedded(context -> {
            context.addFilter(new FilterHolder(new FastLimitFilter(limiter, api)), "/hello", TestServer.ALL_DISPATCHES);
            context.addFilter(new FilterHolder(new FastLimitFilter(limiter, trial)), "/login", TestServer.ALL_DISPATCHES);
            context.addFilter(new FilterHolder(new FastLimitFilter(limiter, login)), "/login", TestServer.ALL_DISPATCHES);
        });
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (limiter != null) {
            limiter.backend().clearAll();
            limiter.close();
        }
    }

    private int passedWithKey(String key, int tries) {
        return AbstractFilterHttpTest.passed(tries, i -> key == null ? server.request().get("/hello")
                : server.request().header("X-Api-Key", key).get("/hello"));
    }

    @Test
    void aFreeAndAProKeyGetTheirPlansLimitsAndAnInventedKeyItsAddress() throws Exception {
        serve("");
        server.request().header("X-Api-Key", "key-a").get("/hello").then().statusCode(200)
                .header("X-RateLimit-Limit", "6").header("X-RateLimit-Remaining", "5");
        assertThat(passedWithKey("key-a", 10)).isEqualTo(5);
        assertThat(passedWithKey("key-b", 10)).isEqualTo(2);
        server.request().header("X-Api-Key", "key-b").get("/hello").then().statusCode(429)
                .header("X-RateLimit-Limit", "2");
        // k1 is genuine but on a plan this rule does not declare: the header's default 3/min
        assertThat(passedWithKey("k1", 10)).isEqualTo(3);
        // invented keys, a plan's name as a key, no key: one client, the address, at 1/min
        assertThat(passedWithKey("made-up", 3) + passedWithKey("pro", 3) + passedWithKey(null, 3)).isEqualTo(1);
        server.request().header("X-Api-Key", "pro").get("/hello").then().statusCode(429)
                .header("X-RateLimit-Limit", "1");
    }

    @Test
    void aShadowRuleLogsAndNeverBlocksWhileTheEnforcedRuleBesideItBlocks() throws Exception {
        serve("");
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(AbstractFilterHttpTest.passed(6, i -> server.request().get("/login"))).isEqualTo(3);
            server.request().get("/login").then().statusCode(429).header("X-RateLimit-Limit", "3");
            assertThat(logs.messages(Level.INFO)).anySatisfy(message -> assertThat(message)
                    .contains("Rate limit 'trial' would have blocked", "shadow rule"));
            assertThat(logs.messages(Level.INFO)).noneSatisfy(message -> assertThat(message)
                    .contains("Rate limit 'login' would have blocked"));
        }
    }

    @Test
    void editingTheLimitsFileChangesTheLimitOfTheNextRequests() throws Exception {
        serve("rule.api.plan.pro=4/min\n");
        assertThat(passedWithKey("key-a", 6)).isEqualTo(4);

        Files.writeString(limitsFile, "rule.api.plan.pro=8/min\nrule.trial.shadow=false\n");
        assertThat(limiter.reloadLimitsFile()).isTrue();

        server.request().header("X-Api-Key", "key-a").get("/hello").then().statusCode(200)
                .header("X-RateLimit-Limit", "8");
        // the shadow rule enforces now: 1/min, counted from the edit on
        server.request().get("/login").then().statusCode(200);
        server.request().get("/login").then().statusCode(429).header("X-RateLimit-Limit", "1");
    }

    @Test
    void aBrokenEditChangesNothingAndLogsItsLine() throws Exception {
        serve("rule.api.plan.pro=4/min\n");
        assertThat(passedWithKey("key-a", 2)).isEqualTo(2);
        Files.writeString(limitsFile, "# raised for the launch\nrule.api.plan.pro=40/mni\n");

        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(limiter.reloadLimitsFile()).isFalse();
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("line 2 (rule.api.plan.pro=40/mni)", "Invalid rate '40/mni'", "stay as they were");
        }
        assertThat(passedWithKey("key-a", 5)).isEqualTo(2);
        server.request().header("X-Api-Key", "key-a").get("/hello").then().statusCode(429)
                .header("X-RateLimit-Limit", "4");
    }
}
