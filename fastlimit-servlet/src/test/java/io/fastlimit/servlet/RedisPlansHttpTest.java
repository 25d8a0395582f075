package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plans, shadow rules and the limits file against a real redis-server the test starts. */
class RedisPlansHttpTest extends AbstractPlansHttpTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend connection;

    @BeforeEach
    void connect() {
        if (connection == null) {
            connection = RedisBackend.fromUrl(redis.url());
        }
    }

    @Override
    protected FastLimit.Builder limiterBuilder(ManualClock clock) {
        return FastLimit.builder().clock(clock)
                .backend(RedisBackend.builder().client(connection.client()).testClock(clock).build());
    }

    @AfterAll
    static void disconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
