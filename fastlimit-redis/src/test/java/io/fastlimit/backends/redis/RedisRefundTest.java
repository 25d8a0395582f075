package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refunds on a healthy Redis: they are answered like any other call, count no failure, and so never
 * open the circuit or hand requests to the failure policy.
 */
class RedisRefundTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend connection;
    private RedisBackend backend;

    @BeforeAll
    static void connect() {
        connection = RedisBackend.fromUrl(redis.url());
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @BeforeEach
    void freshBackend() {
        redis.server().command("FLUSHALL");
        backend = new RedisBackend(connection.client()); // its own circuit, nothing counted yet
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aRefundIsAnsweredAndCountsNoFailure(Algorithm algorithm) {
        BucketConfig bucket = BucketConfig.of(Rate.parse("5/min").get(0), algorithm);
        String key = "refund:rule:ip:{" + algorithm + "}";
        for (int i = 0; i < 10; i++) {
            backend.checkAndIncrement(key, bucket, 1);
            backend.refund(key, List.of(bucket), 1);
        }
        assertThat(backend.failuresCounted()).as("refunds answered, none timed out").isZero();
        assertThat(backend.isCircuitOpen()).isFalse();
        BackendResult next = backend.checkAndIncrement(key, bucket, 1);
        assertThat(next.remaining()).as("every refunded unit is back").isEqualTo(4);
    }

    @Test
    void aCheckSentWhileARefundOfItsKeyIsInFlightSeesTheRefund() throws Exception {
        BucketConfig bucket = BucketConfig.of(Rate.parse("5/min").get(0), Algorithm.SLIDING_WINDOW);
        String key = "in-flight:rule:ip:{198.51.100.30}";
        for (int i = 0; i < 5; i++) {
            backend.checkAndIncrement(key, bucket, 1);
        }
        // the refund script is unknown to the server: the refund takes three round trips (NOSCRIPT,
        // SCRIPT LOAD, EVALSHA again), the check, whose script is loaded, one, so a check sent at
        // once would overtake the refund and find the bucket spent
        redis.server().command("SCRIPT", "FLUSH");
        backend.checkAndIncrement("in-flight:rule:ip:{198.51.100.31}", bucket, 1);

        java.util.concurrent.CompletableFuture<Void> refund = backend.refundAsync(key, List.of(bucket), 1)
                .toCompletableFuture();
        BackendResult check = backend.checkAndIncrementAsync(key, List.of(bucket), 1).toCompletableFuture()
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(check.allowed()).as("sent after the refund was answered").isTrue();
        assertThat(check.remaining()).isZero();
        assertThat(refund).isCompleted();
        assertThat(refund.isCompletedExceptionally()).isFalse();
        assertThat(backend.keysWithRefundsInFlight()).as("answered refunds are forgotten").isZero();
        assertThat(backend.failuresCounted()).isZero();
    }

    @Test
    void aSynchronousCheckWaitsForTheRefundsOfItsKeyToo() throws Exception {
        BucketConfig bucket = BucketConfig.of(Rate.parse("3/min").get(0), Algorithm.FIXED_WINDOW);
        String key = "in-flight:rule:ip:{198.51.100.32}";
        for (int i = 0; i < 3; i++) {
            backend.checkAndIncrement(key, bucket, 1);
        }
        redis.server().command("SCRIPT", "FLUSH");
        backend.checkAndIncrement("in-flight:rule:ip:{198.51.100.33}", bucket, 1);
        backend.refundAsync(key, List.of(bucket), 1);
        assertThat(backend.checkAndIncrement(key, bucket, 1).allowed()).as("the refunded unit").isTrue();

        // two refunds of one key in flight at once: a check waits for both
        java.util.concurrent.CompletableFuture<Void> first = backend.refundAsync(key, List.of(bucket), 1).toCompletableFuture();
        java.util.concurrent.CompletableFuture<Void> second = backend.refundAsync(key, List.of(bucket), 1).toCompletableFuture();
        assertThat(backend.checkAndIncrement(key, bucket, 1).remaining()).isEqualTo(1);
        first.get(5, java.util.concurrent.TimeUnit.SECONDS);
        second.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(backend.keysWithRefundsInFlight()).isZero();
    }

    @Test
    void aSlidingLogCountsEveryUnitAfterARefundInTheSameMillisecond() {
        io.fastlimit.testing.ManualClock clock = new io.fastlimit.testing.ManualClock();
        RedisBackend redisBackend = RedisBackend.builder().client(connection.client()).testClock(clock).build();
        io.fastlimit.backends.memory.MemoryBackend memory = io.fastlimit.backends.memory.MemoryBackend.builder().clock(clock).build();
        BucketConfig bucket = BucketConfig.of(Rate.parse("30/min").get(0), Algorithm.SLIDING_WINDOW);
        String key = "same-ms:rule:ip:{198.51.100.40}";
        for (io.fastlimit.backends.Backend backend : List.of(redisBackend, memory)) {
            for (int i = 0; i < 10; i++) {
                backend.checkAndIncrement(key, bucket, 1);
            }
            backend.refund(key, List.of(bucket), 1); // nine left, all in this millisecond
            int allowed = 0;
            for (int i = 0; i < 40; i++) {
                if (backend.checkAndIncrement(key, bucket, 1).allowed()) {
                    allowed++;
                }
            }
            assertThat(allowed).as("%s: 30 minus the nine logged", backend.getClass().getSimpleName()).isEqualTo(21);
        }
    }

    @Test
    void aStrictRuleBehindAGenerousOneKeepsBlockingOnRedis() {
        FastLimit limiter = FastLimit.builder().backend(backend).build();
        List<RateLimitRule> rules = List.of(RateLimitRule.ip("global", "100/min"), RateLimitRule.ip("strict", "1/min"));
        ClientRequest client = ClientRequest.of("198.51.100.20");

        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            RateLimitDecision decision = limiter.check(rules, client);
            assertThat(decision.bucketChecked()).as("decided by Redis, not by the failure policy").isTrue();
            if (decision.allowed()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(1);
        assertThat(backend.failuresCounted()).isZero();
        assertThat(backend.isCircuitOpen()).isFalse();
        // each of the 19 turned-away requests gave back what the generous rule took
        assertThat(limiter.check(RateLimitRule.ip("global", "100/min"), client).remaining()).isEqualTo(98);
    }
}
