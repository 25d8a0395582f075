package io.fastlimit.backends.redis;

import io.fastlimit.backends.Backend;
import io.fastlimit.testing.contract.BackendContractTest;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend contract against a real three-master Redis Cluster with one call in flight, so the checks
 * of its concurrency tests travel in batches, which Redisson splits by node.
 */
class RedisBatchClusterContractTest extends BackendContractTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.cluster();

    private static RedisBackend owner;

    @Override
    protected Backend createBackend(ManualClock clock) {
        if (owner == null) {
            owner = RedisBackend.fromUrl(redis.url());
        }
        RedisBackend backend = RedisBackend.builder().client(owner.client()).testClock(clock).keyPrefix("test")
                .maxCallsInFlight(1).build();
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
