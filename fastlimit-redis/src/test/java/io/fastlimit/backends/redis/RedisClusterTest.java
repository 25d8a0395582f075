package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis backend on a real three-master Redis Cluster. */
class RedisClusterTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.cluster();

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void threeClientsWithEightThreadsEachAllowExactlyTheLimit(Algorithm algorithm) throws Exception {
        int allowed = RedisExactness.allowedAcrossClients(redis.url(), algorithm, "exact:rule:ip:{" + algorithm + "}", true);
        assertThat(allowed).isEqualTo(RedisExactness.LIMIT);
    }

    @Test
    void keysSpreadOverEveryMasterAndSeveralRatesWorkThere() {
        try (FastLimit limiter = FastLimit.builder().redisUrl(redis.redisCluster().allNodesUrl()).build()) {
            RateLimitRule rule = RateLimitRule.builder("spread").ip("2/s;3/min").build();
            for (int i = 0; i < 60; i++) {
                ClientRequest client = ClientRequest.of("10.0.0." + i);
                assertThat(limiter.check(rule, client).allowed()).isTrue();
                assertThat(limiter.check(rule, client).allowed()).isTrue();
                assertThat(limiter.check(rule, client).allowed()).as("2/s is spent").isFalse();
            }
        }
        for (RedisServer master : redis.redisCluster().masters()) {
            assertThat((Long) master.command("DBSIZE")).as("keys on master " + master.port()).isPositive();
        }
    }

    @Test
    void clearAllScansEveryMaster() {
        try (RedisBackend backend = RedisBackend.fromUrl(redis.url())) {
            try (FastLimit limiter = FastLimit.builder().backend(backend).build()) {
                RateLimitRule rule = RateLimitRule.ip("clear", "1/min");
                for (int i = 0; i < 30; i++) {
                    limiter.check(rule, ClientRequest.of("10.1.0." + i));
                }
                backend.clearAll();
                for (int i = 0; i < 30; i++) {
                    assertThat(limiter.check(rule, ClientRequest.of("10.1.0." + i)).allowed()).isTrue();
                }
            }
        }
    }
}
