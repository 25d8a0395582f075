package io.fastlimit.jaxrs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.RedisExtension;
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
}
