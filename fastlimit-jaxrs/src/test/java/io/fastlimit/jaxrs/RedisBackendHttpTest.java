package io.fastlimit.jaxrs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;

/** The HTTP suite against a real redis-server that the test starts, its scripts driven by the suite's clock. */
class RedisBackendHttpTest extends RateLimitHttpContract {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @Override
    protected Backend createBackend(Clock clock) {
        return RedisBackend.builder().url(redis.url()).testClock(clock).build();
    }

    /** Each limiter of the suite has a key prefix of its own, which the backend's clearAll() leaves alone. */
    @BeforeEach
    void forgetEveryPrefix() {
        redis.server().command("FLUSHALL");
    }
}
