package io.fastlimit.backends.redis;

import io.fastlimit.FastLimit;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limiter finds this module for Redis URLs, and a malformed one fails the start without its password. */
class RedisUrlThroughTheLimiterTest {

    @Test
    void aMalformedRedisUrlFailsAtStartUpWithoutThePassword() {
        assertThatThrownBy(() -> FastLimit.builder().env(Map.of("FASTLIMIT_REDIS_URL", "redis://:s3cret@localhost:port/0")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://:***@localhost:port/0")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> FastLimit.builder().redisUrl("http://localhost:6379").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'http://localhost:6379'");
    }

    @Test
    void everyFormOfPasswordStaysOutOfTheMessage() {
        for (String url : new String[] {"redis://secret@localhost:port", "redis://user:secret@localhost:port",
                "rediss://:secret@localhost:port?sslTruststorePassword=secret", "redis-sentinel://:secret@:26379/m"}) {
            assertThatThrownBy(() -> FastLimit.builder().redisUrl(url).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("secret");
        }
    }
}
