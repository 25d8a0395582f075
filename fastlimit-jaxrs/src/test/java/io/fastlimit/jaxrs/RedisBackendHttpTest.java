package io.fastlimit.jaxrs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;

/** The HTTP suite against a real redis-server that the test starts, its scripts driven by the suite's clock. */
class RedisBackendHttpTest extends RateLimitHttpContract {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @Override
    protected Backend createBackend(Clock clock) {
        // generous: the suite tests HTTP behaviour, and on a loaded machine a call can exceed the default 250 ms
        return RedisBackend.builder().url(redis.url()).timeout(Duration.ofSeconds(5)).testClock(clock).build();
    }

    /** Each limiter of the suite has a key prefix of its own, which the backend's clearAll() leaves alone. */
    @BeforeEach
    void forgetEveryPrefix() {
        redis.server().command("FLUSHALL");
    }
}
