package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.ManualClock;
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
 * Blocked keys answered by the backend itself until Redis would unblock them, against a real
 * redis-server whose {@code INFO commandstats} counts the checks that reached it.
 */
class RedisBlockedKeysTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend connection;

    @BeforeAll
    static void connect() {
        connection = RedisBackend.fromUrl(redis.url());
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @BeforeEach
    void empty() {
        redis.server().command("FLUSHALL");
        redis.server().command("CONFIG", "RESETSTAT");
    }

    private static BucketConfig bucket(String rate, Algorithm algorithm) {
        return BucketConfig.of(Rate.parse(rate).get(0), algorithm);
    }

    private static long checksSent() {
        return redis.server().commandCalls().getOrDefault("evalsha", 0L);
    }

    private static RedisBackend onClock(ManualClock clock) {
        return RedisBackend.builder().client(connection.client()).testClock(clock).build();
    }

    @Test
    void aClientKnockingAfterIts429CostsNoFurtherRedisCall() {
        RedisBackend backend = RedisBackend.builder().client(connection.client()).build(); // the server's clock
        BucketConfig bucket = bucket("3/hour", Algorithm.SLIDING_WINDOW);
        String key = "near:rule:ip:{198.51.100.1}";
        for (int i = 0; i < 3; i++) {
            assertThat(backend.checkAndIncrement(key, bucket, 1).allowed()).isTrue();
        }
        BackendResult first = backend.checkAndIncrement(key, bucket, 1);
        assertThat(first.allowed()).isFalse();

        for (int i = 0; i < 100_000; i++) {
            BackendResult again = backend.checkAndIncrement(key, bucket, 1);
            assertThat(again.allowed()).isFalse();
            assertThat(again.remaining()).isZero();
        }
        assertThat(checksSent()).as("three allowed and one blocked; the rest answered locally").isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aRememberedBlockEndsWhenRedisWouldUnblock(Algorithm algorithm) {
        ManualClock clock = new ManualClock();
        RedisBackend backend = onClock(clock);
        List<BucketConfig> buckets = List.of(bucket("2/s", algorithm), bucket("5/min", algorithm));
        String key = "near:rule:ip:{" + algorithm + "}";
        backend.checkAndIncrement(key, buckets, 1);
        backend.checkAndIncrement(key, buckets, 1);
        BackendResult blocked = backend.checkAndIncrement(key, buckets, 1);
        assertThat(blocked.allowed()).isFalse();
        long sent = checksSent();

        clock.advanceMillis(blocked.retryAfterMs() - 1);
        BackendResult remembered = backend.checkAndIncrement(key, buckets, 1);
        assertThat(remembered).as("the same answer, its wait counted down")
                .isEqualTo(new BackendResult(false, blocked.limit(), 0, blocked.resetMs(), 1, blocked.bucketIndex()));
        assertThat(checksSent()).isEqualTo(sent);

        clock.advanceMillis(1);
        assertThat(backend.checkAndIncrement(key, buckets, 1).allowed()).as("Redis lets it through again").isTrue();
        assertThat(checksSent()).isEqualTo(sent + 1);
    }

    @Test
    void aBlockedLargerCostLeavesSmallerCostsToRedis() {
        ManualClock clock = new ManualClock();
        RedisBackend backend = onClock(clock);
        BucketConfig bucket = bucket("4/min", Algorithm.TOKEN_BUCKET);
        String key = "near:rule:ip:{cost}";
        backend.checkAndIncrement(key, bucket, 2);
        BackendResult blocked = backend.checkAndIncrement(key, bucket, 3);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.remaining()).isEqualTo(2);
        long sent = checksSent();

        assertThat(backend.checkAndIncrement(key, bucket, 1).allowed()).as("units are left for a cost of 1").isTrue();
        assertThat(backend.checkAndIncrement(key, bucket, 3).allowed()).isFalse();
        assertThat(checksSent()).as("both reached Redis").isEqualTo(sent + 2);
    }

    @Test
    void aResetOrRefundThroughThisBackendForgetsTheBlock() {
        ManualClock clock = new ManualClock();
        RedisBackend backend = onClock(clock);
        List<BucketConfig> buckets = List.of(bucket("1/min", Algorithm.FIXED_WINDOW));
        String key = "near:rule:ip:{reset}";
        backend.checkAndIncrement(key, buckets, 1);
        assertThat(backend.checkAndIncrement(key, buckets, 1).allowed()).isFalse();
        assertThat(backend.blockedKeysCached()).isEqualTo(1);

        backend.reset(key, buckets);
        assertThat(backend.blockedKeysCached()).isZero();
        assertThat(backend.checkAndIncrement(key, buckets, 1).allowed()).isTrue();

        assertThat(backend.checkAndIncrement(key, buckets, 1).allowed()).isFalse();
        backend.refund(key, buckets, 1);
        assertThat(backend.checkAndIncrement(key, buckets, 1).allowed()).as("the unit given back").isTrue();
    }

    @Test
    void aFloodOfBlockedKeysIsRememberedOnlyUpToTheBound() {
        ManualClock clock = new ManualClock();
        RedisBackend backend = RedisBackend.builder().client(connection.client()).testClock(clock).blockedKeysCached(50).build();
        BucketConfig bucket = bucket("1/min", Algorithm.FIXED_WINDOW);
        for (int i = 0; i < 200; i++) {
            String key = "near:rule:ip:{flood-" + i + "}";
            backend.checkAndIncrement(key, bucket, 1);
            assertThat(backend.checkAndIncrement(key, bucket, 1).allowed()).isFalse();
        }
        assertThat(backend.blockedKeysCached()).isEqualTo(50);

        clock.advanceMillis(60_000); // every block over: the next one sweeps them out
        backend.checkAndIncrement("near:rule:ip:{late}", bucket, 1);
        assertThat(backend.checkAndIncrement("near:rule:ip:{late}", bucket, 1).allowed()).isFalse();
        assertThat(backend.blockedKeysCached()).isEqualTo(1);
    }

    @Test
    void noneIsRememberedWhenTheCacheIsOff() {
        RedisBackend backend = RedisBackend.builder().client(connection.client()).blockedKeysCached(0).build();
        BucketConfig bucket = bucket("1/hour", Algorithm.FIXED_WINDOW);
        for (int i = 0; i < 5; i++) {
            backend.checkAndIncrement("near:rule:ip:{off}", bucket, 1);
        }
        assertThat(checksSent()).isEqualTo(5);
    }
}
