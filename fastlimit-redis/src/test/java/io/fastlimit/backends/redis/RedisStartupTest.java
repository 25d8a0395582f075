package io.fastlimit.backends.redis;

import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.redis.RedisCluster;
import io.fastlimit.testing.redis.RedisSentinel;
import io.fastlimit.testing.redis.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An application whose Redis is down when it starts: it starts all the same, whatever the URL form,
 * the failure policy answers meanwhile, and the limits live in Redis once it is reachable, without a
 * restart.
 */
@ExtendWith(QuietLogs.class) // the warnings of a Redis that is down on purpose
class RedisStartupTest {

    private final ManualClock clock = new ManualClock();
    private final RateLimitRule rule = RateLimitRule.ip("startup", "5/min");
    private final ClientRequest client = ClientRequest.of("198.51.100.50");

    @BeforeEach
    void needsRedis() {
        assumeTrue(RedisServer.available(), "no redis-server available");
    }

    @Test
    void aStandaloneServer() {
        RedisServer server = RedisServer.startNew();
        try {
            server.stop();
            startsDownThenHeals(server.url(), server::start);
        } finally {
            server.close();
        }
    }

    @Test
    void severalClusterNodes() {
        RedisCluster cluster = RedisCluster.start();
        try {
            cluster.masters().forEach(RedisServer::stop);
            startsDownThenHeals(cluster.allNodesUrl(), () -> cluster.masters().forEach(RedisServer::start));
        } finally {
            cluster.close();
        }
    }

    @Test
    void aSentinel() {
        RedisSentinel sentinel = RedisSentinel.start();
        try {
            sentinel.stopSentinel();
            sentinel.master().stop();
            startsDownThenHeals(sentinel.url(), () -> {
                sentinel.master().start();
                sentinel.startSentinel();
            });
        } finally {
            sentinel.close();
        }
    }

    private void startsDownThenHeals(String url, Runnable bringRedisBack) {
        // the limiter leaves a backend it was given open: closing it stops the Redis client and its reconnects
        try (RedisBackend backend = RedisBackend.builder().url(url).timeout(Duration.ofMillis(200)).testClock(clock).build();
             FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build()) {
            RateLimitDecision whileDown = limiter.check(rule, client);
            assertThat(whileDown.bucketChecked()).as("the failure policy answers while Redis is down").isFalse();
            assertThat(whileDown.allowed()).isTrue();

            bringRedisBack.run();
            long deadline = System.currentTimeMillis() + 60_000;
            RateLimitDecision decision = limiter.check(rule, client);
            while (!decision.bucketChecked() && System.currentTimeMillis() < deadline) {
                clock.advanceMillis(RedisBackend.CIRCUIT_OPEN_MS); // lets the circuit try Redis again
                decision = limiter.check(rule, client);
            }
            assertThat(decision.bucketChecked()).as("checks reach Redis once it is back").isTrue();
            assertThat(decision.remaining()).isEqualTo(4);
        }
    }
}
