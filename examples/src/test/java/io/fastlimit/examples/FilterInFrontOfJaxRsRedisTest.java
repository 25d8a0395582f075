package io.fastlimit.examples;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;

/**
 * {@link AbstractFilterInFrontOfJaxRsTest} on a real redis-server the test starts, where refunds are
 * sent without waiting and the next check of their key is ordered after them.
 */
class FilterInFrontOfJaxRsRedisTest extends AbstractFilterInFrontOfJaxRsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @Override
    protected Backend createBackend(Clock clock) {
        return RedisBackend.builder().url(redis.url()).testClock(clock).build();
    }

    /**
     * The limiters have key prefixes of their own, which the backend's clearAll() leaves alone: FLUSHALL
     * forgets them. clearAll() still runs, for the blocked keys the backend remembers, which a FLUSHALL
     * behind its back does not reach.
     */
    @Override
    protected void forgetEveryCounter(Backend backend) {
        backend.clearAll();
        redis.server().command("FLUSHALL");
    }
}
