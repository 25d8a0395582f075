package io.fastlimit.backends.redis;

import io.fastlimit.backends.Backend;
import io.fastlimit.testing.contract.BackendContractTest;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/** The backend contract against a real standalone redis-server with batching off: each call sent on its own. */
class RedisUnbatchedContractTest extends BackendContractTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend owner;

    @Override
    protected Backend createBackend(ManualClock clock) {
        if (owner == null) {
            owner = RedisBackend.fromUrl(redis.url()); // one client and pool for the whole class
        }
        RedissonClient client = owner.client();
        RedisBackend backend = RedisBackend.builder().client(client).testClock(clock).keyPrefix("test")
                .batching(false).build();
        backend.clearAll();
        return backend;
    }

    @AfterAll
    static void closeClient() {
        if (owner != null) {
            owner.close();
            owner = null;
        }
    }
}
