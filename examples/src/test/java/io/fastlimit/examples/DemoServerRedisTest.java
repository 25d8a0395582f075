package io.fastlimit.examples;

import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisServer;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.fastlimit.examples.DemoServerTest.assertFivePassThenBlocked;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo with {@code FASTLIMIT_REDIS_URL} set, against a real redis-server the test starts: the
 * same answers, and two instances of the demo share their limits.
 */
class DemoServerRedisTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @BeforeEach
    void forgetCounts() {
        try (RedisBackend backend = RedisBackend.fromUrl(redis.url())) {
            backend.clearAll();
        }
    }

    private static RequestSpecification request(DemoServer demo) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(demo.port());
    }

    @Test
    void everyRouteOfTheEmbeddedAppAnswers429AfterTheFifthRequest() throws Exception {
        try (DemoServer demo = DemoServer.start(0, Map.of("FASTLIMIT_REDIS_URL", redis.url()))) {
            assertThat(demo.limiter().backend()).isInstanceOf(RedisBackend.class);
            assertThat(demo.banner()).contains("Backend: Redis at " + redis.url());

            assertFivePassThenBlocked(request(demo), "/servlet/hello");
            assertFivePassThenBlocked(request(demo), "/api/hello");
            assertFivePassThenBlocked(request(demo).header("X-Api-Key", "demo-key"), "/api/key");
        }
    }

    @Test
    void twoInstancesOnOneRedisShareTheirLimits() throws Exception {
        Map<String, String> env = Map.of("FASTLIMIT_REDIS_URL", redis.url());
        try (DemoServer first = DemoServer.start(0, env); DemoServer second = DemoServer.start(0, env)) {
            for (int i = 1; i <= 5; i++) {
                DemoServer instance = i % 2 == 0 ? second : first;
                request(instance).get("/servlet/hello").then().statusCode(200)
                        .header("X-RateLimit-Remaining", Integer.toString(5 - i));
            }
            request(first).get("/servlet/hello").then().statusCode(429);
            request(second).get("/servlet/hello").then().statusCode(429);
        }
    }

    @Test
    void theBannerMasksThePassword() throws Exception {
        try (RedisServer secured = RedisServer.startNew("--requirepass", "s3cret")) {
            String url = "redis://:s3cret@127.0.0.1:" + secured.port();
            try (DemoServer demo = DemoServer.start(0, Map.of("FASTLIMIT_REDIS_URL", url))) {
                assertThat(demo.banner())
                        .contains("Backend: Redis at redis://:***@127.0.0.1:" + secured.port())
                        .doesNotContain("s3cret");
                assertFivePassThenBlocked(request(demo), "/servlet/hello");
            }
        }
    }
}
