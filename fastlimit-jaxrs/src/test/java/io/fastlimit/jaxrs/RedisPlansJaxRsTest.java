package io.fastlimit.jaxrs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;

/** Plans, shadow limits and the limits file in JAX-RS, against a real redis-server the test starts. */
class RedisPlansJaxRsTest extends AbstractPlansJaxRsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @Override
    protected Backend createBackend(Clock clock) {
        return RedisBackend.builder().url(redis.url()).testClock(clock).build();
    }
}
