package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/** The HTTP suite against a real redis-server that the test starts, its scripts driven by the test's clock, on Jetty ({@link TomcatRedisFilterHttpTest}: on Tomcat). */
class RedisFilterHttpTest extends AbstractFilterHttpTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend connection;

    /**
     * The suite tests HTTP behaviour, not a slow Redis: on a loaded machine a call can take longer than
     * the default 250 ms, and the failure policy's local answer would then change the counts.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    @BeforeEach
    void connect() {
        if (connection == null) {
            connection = RedisBackend.fromUrl(redis.url()); // one client and pool for the whole class
        }
    }

    @Override
    protected FastLimit.Builder limiterBuilder(ManualClock clock) {
        return FastLimit.builder().clock(clock)
                .backend(RedisBackend.builder().client(connection.client()).timeout(TIMEOUT).testClock(clock).build());
    }

    /**
     * A request turned away by the second filter makes the first one give back what it took: on a
     * healthy Redis that refund is answered at once and counts as no failure, so the strict limit
     * keeps holding instead of opening the circuit and handing requests to the failure policy.
     */
    @Test
    void aStrictFilterBehindAGenerousOneKeepsBlocking() throws Exception {
        RedisBackend backend = RedisBackend.builder().client(connection.client()).timeout(TIMEOUT).testClock(clock).build();
        FastLimit limiter = FastLimit.builder().clock(clock).backend(backend).build();
        TestContainer server = serve(TestFilter.everywhere(new FastLimitFilter(limiter, RateLimitRule.ip("everything", "100/min"))),
                TestFilter.on("/login", new FastLimitFilter(limiter, RateLimitRule.ip("signin", "1/min"))));

        server.request().get("/login").then().statusCode(200);
        for (int i = 0; i < 20; i++) {
            server.request().get("/login").then().statusCode(429).header("X-RateLimit-Limit", "1");
        }
        org.assertj.core.api.Assertions.assertThat(backend.isCircuitOpen()).isFalse();
        server.request().get("/hello").then().statusCode(200).header("X-RateLimit-Remaining", "98");
    }

    @AfterAll
    static void disconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
